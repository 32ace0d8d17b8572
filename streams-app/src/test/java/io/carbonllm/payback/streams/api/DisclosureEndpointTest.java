package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.disclosure.DisclosureTest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/disclosure} over real HTTP, serving DisclosureTest's hand-computed scenario: the three formats, and
 * a 400 naming the parameter for each kind of bad request.
 */
class DisclosureEndpointTest {

    @TempDir
    static Path dataDir;
    private static ApiServer server;
    private static ApiClient client;

    @BeforeAll
    static void start() {
        server = new ApiServer(new PaybackStreamsConfig(ApiServerTest.config(dataDir, Map.of())),
                new InMemorySchemaRegistryClient(), () -> null, null).disclosureFrom(DisclosureTest::scenario).start();
        client = new ApiClient(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theReportIsServedInEachFormat() {
        ApiClient.Response json = client.get("/api/disclosure?from=2026-07-01&to=2026-07-31");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.header("Content-Type")).startsWith("application/json");
        // the inventory by hand (DisclosureTest): 175,000 Wh of runs + 3,300 Wh of inference
        assertThat(json.json().at("/inventory/total/facilityWh").asDouble()).isEqualTo(178_300.0);
        assertThat(json.json().at("/provenance/command").asText())
                .isEqualTo("GET /api/disclosure?from=2026-07-01&to=2026-07-31");

        ApiClient.Response csv = client.get("/api/disclosure?from=2026-07-01&to=2026-07-31&format=csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.body().lines().findFirst())
                .contains("section,comparison_id,subject,variant,figure,value,unit,tier,range_low,range_high,scope,day,note");

        ApiClient.Response html = client.get("/api/disclosure?from=2026-07-01&to=2026-07-31&format=html"
                + "&comparison=cmp-a");
        assertThat(html.status()).isEqualTo(200);
        assertThat(html.header("Content-Type")).startsWith("text/html");
        assertThat(html.body()).contains("<svg class=\"chart\"").doesNotContain("data-comparison=\"cmp-b\"");
    }

    @Test
    void badRequestsAre400sNamingTheParameter() {
        assertBad("/api/disclosure?to=2026-07-31", "from", "is required");
        assertBad("/api/disclosure?from=2026-07-31&to=2026-07-01", "to", "to is before from (2026-07-31): the period is reversed");
        assertBad("/api/disclosure?from=2026-7-1&to=2026-07-31", "from", "must be a UTC day");
        assertBad("/api/disclosure?from=2026-08-01&to=2026-08-31", "from", "no closed day totals");
        assertBad("/api/disclosure?from=2026-07-01&to=2026-07-31&comparison=nope", "comparison",
                "unknown comparison 'nope'");
        assertBad("/api/disclosure?from=2026-07-01&to=2026-07-31&format=pdf", "format", "must be one of");
        assertBad("/api/disclosure?from=2026-07-01&to=2026-07-31&since=1", "since", "is not a parameter");
    }

    private static void assertBad(String path, String field, String message) {
        ApiClient.Response response = client.get(path);
        assertThat(response.status()).as(path).isEqualTo(400);
        assertThat(response.json().at("/error/field").asText()).as(path).isEqualTo(field);
        assertThat(response.json().at("/error/message").asText()).as(path).contains(message);
    }
}
