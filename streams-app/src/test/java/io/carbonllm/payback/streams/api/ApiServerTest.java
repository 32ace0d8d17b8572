package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.metrics.PaybackMetrics;
import io.carbonllm.payback.streams.metrics.PrometheusMetrics;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP layer over real HTTP, before Kafka Streams exists (so every store read is 503): the guard, the limits and
 * the error shape. The answers with data are in {@code ApiIT}, on the real broker.
 */
class ApiServerTest {

    private static final String READ = "reader-token-0123456789";
    private static final PrometheusMetrics METRICS = new PrometheusMetrics("api-test", new PaybackMetrics(),
            List.of("deserialize", "validate"), List.of("comparisons"));
    private static final String WRITE = "writer-token-0123456789";

    @TempDir
    static Path dir;
    private static ApiServer server;
    private static ApiClient anonymous;

    static Map<String, Object> config(Map<String, Object> overrides) {
        return config(dir, overrides);
    }

    /** An app config whose Kafka and registry are never reached (nothing listens on port 9), the API on a free port. */
    static Map<String, Object> config(Path dataDir, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "127.0.0.1:9");
        props.put("schema.registry.url", "http://127.0.0.1:9");
        props.put("payback.data.dir", dataDir.toString());
        props.put("payback.api.port", 0);
        props.putAll(overrides);
        return props;
    }

    @BeforeAll
    static void start() {
        server = new ApiServer(new PaybackStreamsConfig(config(Map.of("payback.api.auth.mode", "all",
                "payback.api.auth.read.token", READ, "payback.api.auth.write.token", WRITE,
                "payback.api.max.body.bytes", 2048))), new InMemorySchemaRegistryClient(), () -> null, METRICS.endpoint()).start();
        anonymous = new ApiClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthAndReadyAndTheDocumentNeedNoToken() {
        ApiClient.Response health = anonymous.get("/api/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(health.json().get("streams").asText()).isEqualTo("CREATED");

        ApiClient.Response ready = anonymous.get("/api/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.header("Retry-After")).isEqualTo("5");
        assertThat(ready.errorCode()).isEqualTo("not_ready");

        ApiClient.Response doc = anonymous.get("/api/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.json().get("openapi").asText()).startsWith("3.");
    }

    @Test
    void theDashboardAndItsChartingLibraryAreServedWithoutATokenButTheStreamNeedsOne() {
        ApiClient.Response root = anonymous.get("/");
        assertThat(root.status()).isEqualTo(302);
        assertThat(root.header("Location")).isEqualTo("/ui/");
        assertThat(anonymous.get("/ui").status()).as("without the slash").isIn(200, 301, 302);
        ApiClient.Response overview = anonymous.get("/ui/");
        assertThat(overview.status()).isEqualTo(200);
        assertThat(overview.header("Content-Type")).startsWith("text/html");
        assertThat(overview.body()).contains("<script src=\"overview.js\"></script>");
        for (String file : List.of("/ui/overview.js", "/ui/common.js", "/ui/detail.js", "/ui/disclosure.js",
                "/ui/dashboard.css")) {
            assertThat(anonymous.get(file).status()).as(file).isEqualTo(200);
        }
        // The detail page names the uPlot webjar's version (filtered in from the pom): that file is on the class path
        String detail = anonymous.get("/ui/comparison.html").body();
        java.util.regex.Matcher script = java.util.regex.Pattern
                .compile("src=\"(/webjars/uplot/[0-9.]+/dist/uPlot\\.iife\\.min\\.js)\"").matcher(detail);
        assertThat(script.find()).as(detail).isTrue();
        ApiClient.Response uplot = anonymous.get(script.group(1));
        assertThat(uplot.status()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        // The data are not open: the stream is a read
        assertThat(anonymous.get("/api/stream").status()).isEqualTo(401);
        // ... and a path that climbs out of /ui/ (open) to the metrics (not open, and served even with Streams down)
        assertThat(anonymous.get("/ui/../metrics").status()).isIn(400, 401, 404);
        assertThat(anonymous.get("/ui/%2e%2e/metrics").status()).isIn(400, 401, 404);
    }

    @Test
    void metricsAreServedInPrometheusTextFormatToAReaderOnly() {
        assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
        ApiClient.Response r = anonymous.withToken(READ).get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        // no dead letter yet: the counter of each stage is there, at 0
        assertThat(r.body()).contains("payback_dead_letters_total{application=\"api-test\",stage=\"deserialize\"} 0.0");
    }

    @Test
    void aReadWithoutATokenIs401WithTheChallenge() {
        ApiClient.Response r = anonymous.get("/api/comparisons");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(r.json().get("error").get("status").asInt()).isEqualTo(401);
        assertThat(r.errorCode()).isEqualTo("unauthorized");
        assertThat(anonymous.withToken("wrong-token-0123456789").get("/api/alerts").status()).isEqualTo(401);
    }

    @Test
    void aReadWithTheReadOrWriteTokenPassesTheGuardAndIs503BeforeStreamsRuns() {
        for (String token : new String[] {READ, WRITE}) {
            ApiClient.Response r = anonymous.withToken(token).get("/api/comparisons/some-id");
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("5");
            assertThat(r.json().get("error").get("retryAfterSeconds").asInt()).isEqualTo(5);
            assertThat(r.errorCode()).isEqualTo("not_running");
        }
    }

    @Test
    void theReadTokenCannotWrite() {
        ApiClient.Response r = anonymous.withToken(READ).post("/api/training-runs", "{}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("forbidden");
        assertThat(anonymous.delete("/api/comparisons/x").status()).isEqualTo(401);
    }

    @Test
    void badQueryParametersAre400NamingTheParameter() {
        ApiClient reader = anonymous.withToken(READ);
        String[][] cases = {
            {"/api/comparisons?limit=0", "limit"},
            {"/api/comparisons?limit=many", "limit"},
            {"/api/comparisons?offset=-1", "offset"},
            {"/api/comparisons?sort=colour", "sort"},
            {"/api/comparisons?order=up", "order"},
            {"/api/comparisons?status=PAYING_BACK,BROKE", "status"},
            {"/api/comparisons?limit=5&limit=6", "limit"},
            {"/api/comparisons?stauts=NOT_SAVING", "stauts"},
            {"/api/comparisons/x/windows?from=yesterday", "from"},
            {"/api/comparisons/x/windows?from=2026-01-02&to=2026-01-01", "from"},
            {"/api/comparisons/x/windows?limit=0", "limit"},
            {"/api/alerts?state=RESOLVED", "state"},
        };
        for (String[] c : cases) {
            ApiClient.Response r = reader.get(c[0]);
            assertThat(r.status()).as(c[0] + " -> " + r).isEqualTo(400);
            assertThat(r.errorCode()).as(c[0]).isEqualTo("invalid_parameter");
            assertThat(r.json().get("error").get("field").asText()).as(c[0]).isEqualTo(c[1]);
            assertThat(r.json().get("error").get("message").asText()).as(c[0]).startsWith(c[1] + " ");
        }
    }

    @Test
    void anUnknownQueryParameterIs400NamingItOnEveryOperationThatReadsTheQuery() {
        // GET and DELETE /api/comparisons/{id} and POST /api/training-runs take none; the others take their own
        ApiClient writer = anonymous.withToken(WRITE);
        int checked = 0;
        for (ApiServer.Route route : ApiServer.ROUTES) {
            if (!OpenApiDocumentTest.refusesUnknownQueryParameters(route)) {
                continue;
            }
            String path = route.path().replace("{id}", "x") + "?colour=blue";
            ApiClient.Response r = switch (route.method().name()) {
                case "GET" -> writer.get(path);
                case "PUT" -> writer.put(path, "{}");
                case "POST" -> writer.post(path, "{}");
                case "DELETE" -> writer.delete(path);
                default -> throw new AssertionError("no request for " + route);
            };
            assertThat(r.status()).as(route + " -> " + r).isEqualTo(400);
            assertThat(r.errorCode()).as(route.toString()).isEqualTo("invalid_parameter");
            assertThat(r.json().at("/error/field").asText()).as(route.toString()).isEqualTo("colour");
            checked++;
        }
        // every route under /api/ but health, ready and the document: 10 of the 15 (not /metrics, not /)
        assertThat(checked).isEqualTo(10);
    }

    @Test
    void anInvalidRunIs400NamingEveryFieldBeforeAnythingIsProduced() {
        ApiClient.Response r = anonymous.withToken(WRITE).post("/api/training-runs",
                "{\"runId\": \"ft-1\", \"gpuCount\": 8, \"hours\": -3, \"avgPowerWPerGpu\": 300, \"pue\": 0.9, "
                        + "\"startedAt\": \"2026-11-20T08:00:00Z\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_training_run");
        assertThat(r.json().at("/error/problems").findValuesAsText("field")).contains("hours", "pue");
        assertThat(r.json().at("/error/field").asText()).isIn("hours", "pue");
    }

    @Test
    void anUnknownOwnershipIs400NamingTheFieldAndTheAllowedValues() {
        ApiClient.Response r = anonymous.withToken(WRITE).post("/api/training-runs",
                "{\"runId\": \"ft-1\", \"meteredKwh\": 5, \"startedAt\": \"2026-11-20T08:00:00Z\", "
                        + "\"ownership\": \"Rented\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("ownership");
        assertThat(r.json().at("/error/message").asText())
                .contains("ownership must be one of owned, colocated, cloud, api, got Rented");
    }

    @Test
    void malformedJsonAndWrongTypesAre400() {
        ApiClient writer = anonymous.withToken(WRITE);
        ApiClient.Response malformed = writer.post("/api/training-runs", "{\"runId\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("malformed_json");
        assertThat(malformed.json().at("/error/field").asText()).isEqualTo("body");

        // Nested deeper than the parser allows (1,000 levels, under the body limit): a 400 naming the limit, not a 500
        ApiClient.Response deep = writer.post("/api/training-runs", "[".repeat(1_500));
        assertThat(deep.status()).as(deep.body()).isEqualTo(400);
        assertThat(deep.errorCode()).isEqualTo("malformed_json");
        assertThat(deep.json().at("/error/message").asText()).contains("nesting depth");

        // A key given twice: which one was meant is not known
        ApiClient.Response twice = writer.post("/api/training-runs", "{\"runId\": \"a\", \"runId\": \"b\"}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.errorCode()).isEqualTo("malformed_json");
        assertThat(twice.json().at("/error/message").asText()).contains("Duplicate field 'runId'");

        ApiClient.Response typed = writer.post("/api/training-runs", "{\"runId\": \"r\", \"gpuCount\": \"eight\", "
                + "\"startedAt\": \"2026-11-20T08:00:00Z\", \"colour\": 1}");
        assertThat(typed.status()).isEqualTo(400);
        assertThat(typed.json().at("/error/problems").findValuesAsText("field")).containsExactlyInAnyOrder("gpuCount",
                "colour");
    }

    @Test
    void aBodyOverTheLimitIs413WhetherAnnouncedOrNot() {
        String big = "{\"runId\": \"" + "x".repeat(4096) + "\"}";
        ApiClient.Response announced = anonymous.withToken(WRITE).post("/api/training-runs", big);
        assertThat(announced.status()).isEqualTo(413);
        assertThat(announced.errorCode()).isEqualTo("payload_too_large");
        assertThat(announced.json().at("/error/message").asText()).contains("2048");

        ApiClient.Response chunked = anonymous.withToken(WRITE).postChunked("/api/training-runs", big);
        assertThat(chunked.status()).as(chunked.toString()).isEqualTo(413);
        assertThat(chunked.errorCode()).isEqualTo("payload_too_large");
    }

    @Test
    void anUnknownRouteIs404InTheSameShape() {
        ApiClient.Response r = anonymous.withToken(READ).get("/api/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("not_found");
        assertThat(r.json().at("/error/status").asInt()).isEqualTo(404);
    }

    @Test
    void corsIsOffByDefault() {
        ApiClient.Response r = anonymous.get("/api/health", "Origin", "https://evil.example.com");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void aPortInUseFailsNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ApiServer second = new ApiServer(new PaybackStreamsConfig(config(Map.of("payback.api.port",
                    taken.getLocalPort()))), new InMemorySchemaRegistryClient(), () -> null, METRICS.endpoint());
            try {
                assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("payback.api.port").hasMessageContaining(Integer.toString(taken.getLocalPort()));
            } finally {
                second.close();
            }
        }
    }
}
