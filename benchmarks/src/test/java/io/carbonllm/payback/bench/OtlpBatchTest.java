package io.carbonllm.payback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.otlp.OtlpConfig;
import io.carbonllm.payback.otlp.OtlpHttpEndpoint;
import io.carbonllm.payback.sdk.PaybackTracker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The OTLP benchmark measures what it says only if its batch is 100 GenAI spans that all become events. */
class OtlpBatchTest {

    @Test
    void theBenchmarkBatchIsAHundredGenAiSpansThatAllBecomeEvents() throws Exception {
        // Given the endpoint with a sink that keeps what it is offered
        List<InferenceEvent> received = new CopyOnWriteArrayList<>();
        OtlpHttpEndpoint.Sink sink = new OtlpHttpEndpoint.Sink() {
            @Override
            public boolean offerAll(List<InferenceEvent> events) {
                return received.addAll(events);
            }

            @Override
            public String problem(InferenceEvent event) {
                return PaybackTracker.problemWith(event);
            }
        };
        try (OtlpHttpEndpoint endpoint = OtlpHttpEndpoint.start(OtlpConfig.defaults().withPort(0), sink)) {
            // When the benchmark's batch is posted as the load client posts it
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + OtlpHttpEndpoint.PATH))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(
                                    BenchmarkEvents.otlpJsonBatch(RunBenchmarks.OTLP_SPANS_PER_BATCH))).build(),
                    HttpResponse.BodyHandlers.ofString());

            // Then all 100 are accepted (no partialSuccess), spread over 4 use cases, every tenth one failed
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).doesNotContain("partialSuccess");
            assertThat(endpoint.acceptedSpans()).isEqualTo(100);
            assertThat(endpoint.rejectedSpans()).isZero();
            assertThat(endpoint.ignoredSpans()).isZero();
        }
        assertThat(received).hasSize(100);
        assertThat(received.stream().collect(Collectors.groupingBy(InferenceEvent::getUseCase, Collectors.counting())))
                .containsOnlyKeys("support-summarize", "code-review", "search-answer", "triage")
                .allSatisfy((useCase, n) -> assertThat(n).isEqualTo(25L));
        assertThat(received).filteredOn(e -> !e.getSuccess()).hasSize(10)
                .allSatisfy(e -> assertThat(e.getErrorType()).isEqualTo("timeout"));
        // span 0: 800 input tokens, 512 of them cached (0 % 3 == 0), 150 output, region from the resource
        assertThat(received.get(0).getInputTokens()).isEqualTo(800);
        assertThat(received.get(0).getCachedInputTokens()).isEqualTo(512);
        assertThat(received.get(0).getOutputTokens()).isEqualTo(150);
        assertThat(received.get(0).getRegion()).isEqualTo("eu-north-1");
        assertThat(received.get(0).getModelId()).isEqualTo("llama-3.1-8b-support-ft");
    }
}
