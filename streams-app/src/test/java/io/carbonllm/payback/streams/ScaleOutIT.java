package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.streams.api.ApiClient;
import io.carbonllm.payback.streams.api.SseClient;
import io.carbonllm.payback.streams.config.ApiConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of one deployment (one application.id, separate state directories, application.server each, one
 * standby replica) on one broker: any instance answers any query, and when one is killed (B, a child JVM, SIGKILL: no
 * close, no leave-group) the survivor answers 503 until it owns and has restored the partitions, then the same values,
 * never an empty or wrong one. Until the group's session timeout (10 s here) notices the death, Kafka Streams' metadata
 * still names B as the owner: forwards to it fail, and A says so with a 503.
 *
 * <p>Three comparisons, one per partition, so each instance owns at least one. Comparison i's fine-tune has n_i
 * requests per window at 0.5 Wh against a baseline of 10 at 1.0 Wh (factors in {@link ApiTraffic}); the saving per
 * window is n x (1.09 - 0.545) = 0.545 n Wh, over two windows 1.09 n Wh: n = 10, 8, 6 gives 10.9, 8.72, 6.54 Wh.
 */
class ScaleOutIT {

    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
    private static final int[] FINE_TUNE_REQUESTS = {10, 8, 6};
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Map<String, Object> instance(RealStack stack, String name) {
        Map<String, Object> config = new HashMap<>(stack.appConfig(Map.of(PaybackStreamsConfig.APPLICATION_ID_CONFIG,
                "scale-out", PaybackStreamsConfig.LEDGER_REFRESH_MS_CONFIG, 1_000L,
                StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)));
        config.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve(name).toString());
        // A killed member is noticed after this long (the default is 45 s)
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        return config;
    }

    @Test
    void anyInstanceAnswersAnyKeyAndTheSurvivorOfAFailoverSays503ThenTheSameValues() throws Exception {
        try (RealStack stack = new RealStack(dir)) {
            // Given two instances, each advertising the port it bound
            Map<String, Object> configA = instance(stack, "a");
            stack.createTopics(configA);
            PaybackStreamsRunner a = new PaybackStreamsRunner(configA).start();
            Map<String, Object> configB = instance(stack, "b");
            int portB = Ports.findFree();
            configB.put(ApiConfig.PORT_CONFIG, portB);
            StreamsChild b = StreamsChild.start(configB, dir.resolve("b-child"), Ports.findFree());
            try {
                assertThat(a.awaitRunning(Duration.ofSeconds(90))).isTrue();
                ApiClient apiA = new ApiClient(a.api().baseUrl());
                String baseB = "http://127.0.0.1:" + portB;
                ApiClient apiB = new ApiClient(baseB);
                await().atMost(90, TimeUnit.SECONDS).ignoreExceptions().pollInterval(Duration.ofMillis(500))
                        .until(() -> apiB.get("/api/ready").status() == 200);
                String advertisedA = a.api().advertised();
                String advertisedB = apiB.get("/api/health").json().get("instance").asText();

                // and three comparisons, one on each partition, defined through A, with their traffic
                Map<String, Double> expectedSaved = new LinkedHashMap<>();
                ApiTraffic traffic = new ApiTraffic();
                for (int p = 0; p < RealStack.PARTITIONS; p++) {
                    String useCase = ApiTraffic.useCaseOn("scale", p, RealStack.PARTITIONS);
                    String id = "cmp-" + useCase;
                    // (B's joining may still be rebalancing A: writes are served through it)
                    ApiClient.Response put = apiA.put("/api/comparisons/" + id, """
                            {"useCase": "%s", "baselineModel": "%s", "minBaselineTasks": 2,
                             "candidates": [{"candidateId": "ft", "modelId": "%s"}]}"""
                            .formatted(useCase, ApiTraffic.BASELINE, ApiTraffic.FINE_TUNE));
                    assertThat(put.status()).as(put.toString()).isEqualTo(202);
                    int n = FINE_TUNE_REQUESTS[p];
                    expectedSaved.put(id, 1.09 * n);
                    for (int w = 0; w < 2; w++) {
                        traffic.requests(T0, useCase, ApiTraffic.BASELINE, w, 10, 1.0)
                                .requests(T0, useCase, ApiTraffic.FINE_TUNE, w, n, 0.5);
                    }
                    traffic.tick(T0, useCase, 200);
                }
                await().atMost(30, TimeUnit.SECONDS).until(() -> expectedSaved.keySet().stream()
                        .allMatch(id -> apiA.get("/api/comparisons/" + id).status() == 200
                                && apiB.get("/api/comparisons/" + id).status() == 200));
                traffic.send(stack);
                await().atMost(90, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() ->
                        expectedSaved.entrySet().stream().allMatch(e -> settled(apiA.get("/api/comparisons/" + e.getKey()),
                                e.getValue())));

                // When each instance is asked for every comparison
                Map<String, String> owners = new LinkedHashMap<>();
                for (String id : expectedSaved.keySet()) {
                    ApiClient.Response fromA = apiA.get("/api/comparisons/" + id);
                    ApiClient.Response fromB = apiB.get("/api/comparisons/" + id);
                    // Then both give the owner's answer, whoever was asked
                    assertThat(fromA.status()).isEqualTo(200);
                    assertThat(fromB.status()).isEqualTo(200);
                    assertThat(fromA.header("X-Payback-Served-By")).isEqualTo(fromB.header("X-Payback-Served-By"));
                    assertThat(fromA.json()).isEqualTo(fromB.json());
                    assertThat(saved(fromA)).isCloseTo(expectedSaved.get(id), within(1e-9));
                    owners.put(id, fromA.header("X-Payback-Served-By"));
                    // and so do the windows
                    assertThat(apiA.get("/api/comparisons/" + id + "/windows").json())
                            .isEqualTo(apiB.get("/api/comparisons/" + id + "/windows").json());
                }
                assertThat(owners.values()).as("each instance owns a comparison, so each forwarded one")
                        .contains(advertisedA, advertisedB);

                // A forwarded query reaching an instance that does not own the key is not forwarded again
                String ownedByA = key(owners, advertisedA);
                ApiClient.Response looped = apiB.get("/api/comparisons/" + ownedByA, "X-Payback-Forwarded", "test");
                assertThat(looped.status()).isEqualTo(503);
                assertThat(looped.errorCode()).isEqualTo("not_owner");

                // A list gathers every instance's part
                JsonNode listA = apiA.get("/api/comparisons").json();
                assertThat(listA.get("total").asInt()).isEqualTo(3);
                for (JsonNode item : listA.get("items")) {
                    assertThat(item.get("status").isTextual()).as("a ledger from its owner: " + item).isTrue();
                    assertThat(item.at("/candidates/0/saved").asDouble())
                            .isCloseTo(expectedSaved.get(item.get("comparisonId").asText()), within(1e-9));
                }
                assertThat(apiB.get("/api/comparisons").json()).isEqualTo(listA);
                assertThat(apiB.get("/api/alerts").json()).isEqualTo(apiA.get("/api/alerts").json());

                // The live stream of either instance carries every comparison's changes, its own and the other's:
                // replayed from the start (the topics were empty when each instance's stream source began)
                for (String base : List.of(a.api().baseUrl(), baseB)) {
                    Map<String, Double> lastSaved = new HashMap<>();
                    try (SseClient stream = SseClient.connect(base + "/api/stream",
                            "Last-Event-ID", "0.0.0_0.0.0")) {
                        SseClient.Event event;
                        while ((event = stream.next(Duration.ofSeconds(2))) != null) {
                            if (event.event().equals("status")) {
                                JsonNode status = JSON.readTree(event.data());
                                lastSaved.put(status.get("comparisonId").asText(), status.get("saved").asDouble());
                            }
                        }
                    }
                    assertThat(lastSaved.keySet()).as("from " + base)
                            .containsExactlyInAnyOrderElementsOf(expectedSaved.keySet());
                    expectedSaved.forEach((id, saved) -> assertThat(lastSaved.get(id)).isCloseTo(saved, within(1e-9)));
                }

                // When B is killed while A is being asked for what B owned
                String ownedByB = key(owners, advertisedB);
                JsonNode before = apiA.get("/api/comparisons/" + ownedByB).json();
                List<ApiClient.Response> seen = new ArrayList<>();
                Thread poller = new Thread(() -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    int stableOk = 0;
                    while (System.nanoTime() < deadline && stableOk < 20) {
                        ApiClient.Response r = apiA.get("/api/comparisons/" + ownedByB);
                        synchronized (seen) {
                            seen.add(r);
                        }
                        stableOk = r.status() == 200 && advertisedA.equals(r.header("X-Payback-Served-By"))
                                ? stableOk + 1 : 0;
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "failover-poller");
                poller.start();
                b.kill();
                poller.join();

                // Then A answered 503 with Retry-After while it took over, and otherwise only the right values
                List<ApiClient.Response> unavailable = seen.stream().filter(r -> r.status() == 503).toList();
                assertThat(unavailable).as("503s during the failover").isNotEmpty();
                for (ApiClient.Response r : unavailable) {
                    assertThat(r.header("Retry-After")).isNotNull();
                    assertThat(r.errorCode()).isIn("owner_unavailable", "owner_unknown", "not_running",
                            "store_unavailable");
                }
                for (ApiClient.Response r : seen) {
                    assertThat(r.status()).as(r.toString()).isIn(200, 503);
                    if (r.status() == 200) {
                        assertThat(r.json()).as("a 200 is the same answer as before").isEqualTo(before);
                    }
                }
                ApiClient.Response last = seen.get(seen.size() - 1);
                assertThat(last.status()).as(last.toString()).isEqualTo(200);
                assertThat(last.header("X-Payback-Served-By")).isEqualTo(advertisedA);
                assertThat(saved(last)).isCloseTo(expectedSaved.get(ownedByB), within(1e-9));
                System.out.printf("failover: %d answers, %d of them 503 (%s)%n", seen.size(), unavailable.size(),
                        unavailable.stream().map(ApiClient.Response::errorCode).distinct().toList());

                // and the list, from A alone, is whole again
                await().atMost(30, TimeUnit.SECONDS).until(() -> apiA.get("/api/comparisons").status() == 200);
                assertThat(apiA.get("/api/comparisons").json()).isEqualTo(listA);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\nB's log:\n" + b.tail(40), e);
            } finally {
                b.close();
                a.close();
            }
        }
    }

    private static boolean settled(ApiClient.Response r, double expectedSaved) {
        if (r.status() != 200) {
            return false;
        }
        JsonNode ledger = r.json().at("/candidates/0/ledger");
        return ledger.isObject() && ledger.get("windowsCounted").asLong() == 2 && ledger.get("closedThrough").isTextual()
                && !Instant.parse(ledger.get("closedThrough").asText()).isBefore(T0.plusSeconds(120))
                && Math.abs(ledger.at("/energy/saved").asDouble() - expectedSaved) < 1e-9;
    }

    private static double saved(ApiClient.Response r) {
        return r.json().at("/candidates/0/ledger/energy/saved").asDouble();
    }

    private static String key(Map<String, String> owners, String owner) {
        return owners.entrySet().stream().filter(e -> e.getValue().equals(owner)).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
    }
}
