package io.carbonllm.payback.bench.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * P4's failover: two instances of one deployment with {@code num.standby.replicas=1}, each serving in its own JVM
 * ({@code AppRun serve}). Once both answer every comparison the same, one instance that owns some is stopped, and the
 * time is taken from the stop until the survivor answers that comparison itself (not forwarded), with the same JSON
 * as before. A graceful stop (SIGTERM: the app leaves the group) measures the standby's takeover; SIGKILL adds the
 * group's session timeout, which only then notices the death.
 */
final class FailoverRun {

    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration LIMIT = Duration.ofMinutes(2);
    /** How long the input may take to be processed, at P4's scale too. */
    private static final Duration SETTLE_LIMIT = Duration.ofMinutes(15);
    /** Comparisons asked for their owner, enough for each instance to own some. */
    private static final int CANDIDATES = 50;
    private static final String SERVED_BY = "X-Payback-Served-By";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A serving app: its process, and its API's address and advertised name. */
    record Instance(Process process, String baseUrl, String advertised) {
    }

    /**
     * @param start starts an instance by name and returns it once it serves
     * @param ids   the comparisons defined
     */
    ObjectNode measure(Function<String, Instance> start, List<String> ids, boolean kill) throws Exception {
        Instance a = start.apply("a");
        Instance b;
        try {
            b = start.apply("b");
        } catch (RuntimeException e) {
            a.process().destroyForcibly();
            throw e;
        }
        try {
            // Both answer every comparison, and the same: each owns some (else there is nothing to fail over)
            String moved = null;
            JsonNode before = null;
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (moved == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("instance b never owned a comparison that a could read");
                }
                for (String id : ids.subList(0, Math.min(CANDIDATES, ids.size()))) {
                    HttpResponse<String> fromA = get(a, id);
                    if (fromA.statusCode() == 200 && b.advertised().equals(fromA.headers().firstValue(SERVED_BY)
                            .orElse(""))) {
                        moved = id;
                        before = ChildResult.JSON.readTree(fromA.body());
                        break;
                    }
                }
                if (moved == null) {
                    Thread.sleep(500);
                }
            }
            // The whole input processed: the answer unchanged for 5 s (and the standby has had that long to catch up)
            int same = 0;
            long settleBy = System.nanoTime() + SETTLE_LIMIT.toNanos();
            while (same < 10) {
                if (System.nanoTime() > settleBy) {
                    throw new IllegalStateException("the answer for " + moved + " never settled");
                }
                Thread.sleep(500);
                HttpResponse<String> answer = get(a, moved);
                if (answer.statusCode() != 200) {
                    same = 0; // a rebalance: wait for it
                    continue;
                }
                if (!b.advertised().equals(answer.headers().firstValue(SERVED_BY).orElse(""))) {
                    throw new IllegalStateException(moved + " moved away from b while the answers settled: run again");
                }
                JsonNode now = ChildResult.JSON.readTree(answer.body());
                same = now.equals(before) ? same + 1 : 0;
                before = now;
            }

            long stopped = System.nanoTime();
            if (kill) {
                b.process().destroyForcibly();
            } else {
                b.process().destroy(); // SIGTERM
            }
            int unavailable = 0;
            int withoutRetryAfter = 0;
            int otherValues = 0;
            int otherStatuses = 0;
            long firstOwn = 0;
            while (System.nanoTime() - stopped < LIMIT.toNanos()) {
                HttpResponse<String> answer = get(a, moved);
                if (answer.statusCode() == 200 && a.advertised().equals(answer.headers().firstValue(SERVED_BY)
                        .orElse(""))) {
                    JsonNode now = ChildResult.JSON.readTree(answer.body());
                    if (firstOwn == 0) {
                        firstOwn = System.nanoTime();
                    }
                    if (!now.equals(before)) {
                        otherValues++;
                    } else {
                        ObjectNode result = ChildResult.object();
                        result.put("stop", kill ? "SIGKILL" : "SIGTERM");
                        result.put("comparison", moved);
                        result.put("secondsToSameAnswer", (System.nanoTime() - stopped) / 1e9);
                        result.put("secondsToFirstOwnAnswer", (firstOwn - stopped) / 1e9);
                        result.put("unavailableAnswers", unavailable);
                        result.put("unavailableWithoutRetryAfter", withoutRetryAfter);
                        result.put("otherValuesServed", otherValues);
                        result.put("otherStatuses", otherStatuses);
                        return result;
                    }
                } else if (answer.statusCode() == 503) {
                    unavailable++;
                    if (answer.headers().firstValue("Retry-After").isEmpty()) {
                        withoutRetryAfter++;
                    }
                } else if (answer.statusCode() != 200) {
                    otherStatuses++;
                }
                Thread.sleep(POLL.toMillis());
            }
            throw new IllegalStateException("a did not answer " + moved + " itself within " + LIMIT);
        } finally {
            b.process().destroyForcibly();
            b.process().waitFor();
            a.process().destroy();
            a.process().waitFor();
        }
    }

    private HttpResponse<String> get(Instance instance, String id) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(instance.baseUrl() + "/api/comparisons/" + id))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads the child's output until its serving line; drains the rest in the background. */
    static JsonNode awaitServing(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder tail = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            JsonNode parsed = ChildResult.parse(line);
            if (parsed != null) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard
                        }
                    } catch (IOException e) {
                        // the process was stopped: its output ends here
                    }
                }, "failover-app-output");
                drain.setDaemon(true);
                drain.start();
                return parsed;
            }
            tail.append(line).append('\n');
            if (tail.length() > 8_000) {
                tail.delete(0, tail.length() - 8_000);
            }
        }
        throw new IllegalStateException("the app stopped before serving; its last lines:\n" + tail);
    }
}
