package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding is bounded (issue 10, section 2), over real HTTP with {@link OfflineStreams} saying which instance owns
 * what: a query for a key another instance owns waits at most {@code payback.api.forward.timeout.ms} for it, goes
 * marked so that it is never forwarded again, and a list asks each other instance once, whatever the number of items.
 */
class ForwardingTest {

    private static final int PARTITIONS = 2;
    private static final long TIMEOUT_MS = 600;

    @TempDir
    Path dir;

    private static ComparisonDefinition comparison(String id, String useCase) {
        return ComparisonDefinition.newBuilder().setComparisonId(id).setUseCase(useCase).setBaselineModel("base-m")
                .setCandidates(List.of(CandidateDefinition.newBuilder().setCandidateId("ft").setModelId("ft-m")
                        .build()))
                .build();
    }

    /** A use case whose partition (of {@value #PARTITIONS}) is {@code partition}. */
    private static String useCaseOn(OfflineStreams streams, int partition, int n) {
        int found = 0;
        for (int i = 0; ; i++) {
            String useCase = "uc-" + i;
            if (streams.partitionOf(useCase) == partition && found++ == n) {
                return useCase;
            }
        }
    }

    /** Accepts every connection and never answers, keeping what each request sent. */
    private static final class SilentOwner implements AutoCloseable {
        final ServerSocket socket;
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        SilentOwner() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        held.add(s);
                        requests.add(head(s.getInputStream()));
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "silent-owner");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        HostInfo host() {
            return new HostInfo("127.0.0.1", socket.getLocalPort());
        }

        /** The request line and headers, up to the blank line. */
        private static String head(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.toString().endsWith("\r\n\r\n")) {
                    break;
                }
            }
            return head.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void anOwnerThatAcceptsButNeverAnswersIs503WithRetryAfterWithinTheForwardTimeout() throws Exception {
        try (SilentOwner owner = new SilentOwner();
             OfflineApi api = new OfflineApi(dir, PARTITIONS, Map.of("payback.api.forward.timeout.ms", TIMEOUT_MS,
                     "payback.api.retry.after.seconds", 7))) {
            // Given: partition 0 is this instance's, partition 1 the silent owner's; cmp-far's use case is on 1
            api.streams.own(0, api.self).own(1, owner.host());
            String useCase = useCaseOn(api.streams, 1, 0);
            api.streams.define(comparison("cmp-far", useCase));

            // When
            long start = System.nanoTime();
            ApiClient.Response r = api.client.get("/api/comparisons/cmp-far");
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            // Then: 503 after about the 600 ms timeout (not the client's 30 s), with the configured Retry-After
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("7");
            assertThat(r.errorCode()).isEqualTo("owner_unavailable");
            assertThat(r.json().at("/error/message").asText()).contains("did not answer within " + TIMEOUT_MS + " ms");
            assertThat(tookMs).isBetween(TIMEOUT_MS - 50, TIMEOUT_MS + 2_500);
            // ... and the one request the owner got was marked as forwarded, naming this instance
            assertThat(owner.requests).hasSize(1);
            assertThat(owner.requests.get(0)).startsWith("GET /api/comparisons/cmp-far HTTP/1.1\r\n")
                    .containsIgnoringCase(Forwarder.FORWARDED + ": " + api.server.advertised() + "\r\n");
        }
    }

    @Test
    void aForwardedQueryForAKeyOwnedElsewhereIs503AndIsNotForwardedAgain() throws Exception {
        try (SilentOwner owner = new SilentOwner();
             OfflineApi api = new OfflineApi(dir, PARTITIONS, Map.of("payback.api.forward.timeout.ms", TIMEOUT_MS))) {
            // Given: cmp-far is the silent owner's, and the query arrives marked by another instance
            api.streams.own(0, api.self).own(1, owner.host());
            api.streams.define(comparison("cmp-far", useCaseOn(api.streams, 1, 0)));

            // When
            long start = System.nanoTime();
            ApiClient.Response r = api.client.get("/api/comparisons/cmp-far", Forwarder.FORWARDED, "10.0.0.9:8080");
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            // Then: refused at once, naming the sender and the owner; the owner was never asked
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.errorCode()).isEqualTo("not_owner");
            assertThat(r.header("Retry-After")).isNotNull();
            assertThat(r.json().at("/error/message").asText()).contains("10.0.0.9:8080")
                    .contains(Forwarder.describe(owner.host()));
            assertThat(tookMs).isLessThan(TIMEOUT_MS);
            Thread.sleep(100); // a connection would have been accepted by now
            assertThat(owner.requests).isEmpty();
        }
    }

    @Test
    void aListOverManyItemsAsksTheOtherInstanceOnceNotOncePerItem() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        try (OfflineApi api = new OfflineApi(dir, PARTITIONS, Map.of())) {
            // Given: 40 comparisons whose use cases are on partition 1, held by the other instance, which knows a
            // ledger for each
            int n = 40;
            ObjectNode state = json.createObjectNode();
            state.putArray("partitions").add(1);
            ArrayNode statuses = state.putArray("statuses");
            state.putArray("openAlerts");
            state.putArray("verdicts");
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = String.format("cmp-%02d", i);
                ids.add(id);
                api.streams.define(comparison(id, useCaseOn(api.streams, 1, i)));
                statuses.addObject().put("comparisonId", id).put("candidateId", "ft").put("status", "PAYING_BACK")
                        .put("paybackRatio", i / 100.0);
            }
            other.createContext("/", exchange -> {
                asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " forwarded-by="
                        + exchange.getRequestHeaders().getFirst(Forwarder.FORWARDED));
                state.put("instance", "127.0.0.1:" + other.getAddress().getPort());
                byte[] body = json.writeValueAsBytes(state);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            other.start();
            api.streams.own(0, api.self).own(1, new HostInfo("127.0.0.1", other.getAddress().getPort()));

            // When: the whole list, with the verdicts
            ApiClient.Response r = api.client.get("/api/comparisons?limit=500&include=VERDICT");

            // Then: all 40, each with the ledger the other instance holds, from one call
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().get("total").asInt()).isEqualTo(n);
            List<String> listed = new ArrayList<>();
            for (JsonNode item : r.json().get("items")) {
                listed.add(item.get("comparisonId").asText());
                assertThat(item.at("/candidates/0/status").asText()).isEqualTo("PAYING_BACK");
            }
            assertThat(listed).containsExactlyElementsOf(ids);
            assertThat(asked).containsExactly("GET " + ApiServer.INTERNAL_LOCAL_STATE
                    + "?parts=statuses,alerts,verdicts forwarded-by=" + api.server.advertised());

            // And the firing alerts: one more call, one in all
            assertThat(api.client.get("/api/alerts").status()).isEqualTo(200);
            assertThat(asked).hasSize(2);
        } finally {
            other.stop(0);
        }
    }
}
