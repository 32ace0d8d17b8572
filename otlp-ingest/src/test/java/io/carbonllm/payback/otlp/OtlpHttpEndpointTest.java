package io.carbonllm.payback.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The receiver as OTLP clients see it: the OpenTelemetry Java SDK's own OTLP/HTTP exporter (binary protobuf, gzip)
 * sends GenAI spans, and JSON, malformed, oversized, unauthenticated and wrongly typed requests get what a collector
 * answers. Events land in an in-memory sink here; {@code OtlpIngestIT} follows them to the broker.
 */
class OtlpHttpEndpointTest {

    private final List<InferenceEvent> received = new CopyOnWriteArrayList<>();
    private int capacity = 1_000;
    private final OtlpHttpEndpoint.Sink sink = new OtlpHttpEndpoint.Sink() {
        @Override
        public boolean offerAll(List<InferenceEvent> events) {
            if (events.size() > capacity) {
                return false;
            }
            return received.addAll(events);
        }

        @Override
        public String problem(InferenceEvent event) {
            return PaybackTracker.problemWith(event);
        }
    };
    private OtlpHttpEndpoint endpoint;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private String url() {
        return "http://127.0.0.1:" + endpoint.port() + OtlpHttpEndpoint.PATH;
    }

    @Test
    void theOpenTelemetrySdkExporterSpansBecomeEvents() {
        endpoint = OtlpHttpEndpoint.start(OtlpConfig.defaults().withPort(0).withBearerToken("s3cret"), sink);
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(url()).setCompression("gzip")
                .addHeader("Authorization", "Bearer s3cret").build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "gw-otel",
                        AttributeKey.stringKey("cloud.region"), "eu-north-1")))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        try {
            Tracer tracer = provider.get("payback-test");
            // Given a GenAI chat span, a failed one, and an HTTP span with no gen_ai attributes
            Span chat = tracer.spanBuilder("chat llama-3.1-8b").setAttribute("gen_ai.operation.name", "chat")
                    .setAttribute("gen_ai.provider.name", "vllm").setAttribute("gen_ai.request.model", "llama-3.1-8b-ft")
                    .setAttribute("gen_ai.usage.input_tokens", 812L).setAttribute("gen_ai.usage.output_tokens", 164L)
                    .setAttribute("payback.use_case", "support-summarize")
                    .setAttribute("gen_ai.conversation.id", "conv-1").startSpan();
            chat.end();
            Span failed = tracer.spanBuilder("chat").setAttribute("gen_ai.request.model", "llama-3.1-8b-ft")
                    .setAttribute("gen_ai.usage.input_tokens", 700L).setAttribute("gen_ai.usage.output_tokens", 0L)
                    .setAttribute("payback.use_case", "support-summarize").startSpan();
            failed.setStatus(StatusCode.ERROR);
            failed.end();
            tracer.spanBuilder("GET /health").setAttribute("http.request.method", "GET").startSpan().end();
            provider.forceFlush().join(10, TimeUnit.SECONDS);
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }

        // Then two events, with the exporter's resource and the spans' attributes; the HTTP span ignored. (Each span
        // is its own export request, so they may arrive in either order.)
        await().atMost(10, TimeUnit.SECONDS).until(() -> received.size() == 2 && endpoint.ignoredSpans() == 1);
        InferenceEvent first = received.stream().filter(InferenceEvent::getSuccess).findFirst().orElseThrow();
        assertThat(first.getUseCase()).isEqualTo("support-summarize");
        assertThat(first.getModelId()).isEqualTo("llama-3.1-8b-ft");
        assertThat(first.getInputTokens()).isEqualTo(812);
        assertThat(first.getOutputTokens()).isEqualTo(164);
        assertThat(first.getGateway()).isEqualTo("gw-otel");
        assertThat(first.getRegion()).isEqualTo("eu-north-1");
        assertThat(first.getTaskId()).isEqualTo("conv-1");
        assertThat(first.getSuccess()).isTrue();
        assertThat(received).filteredOn(e -> !e.getSuccess()).singleElement()
                .satisfies(e -> assertThat(e.getInputTokens()).isEqualTo(700));
        assertThat(endpoint.ignoredSpans()).isEqualTo(1);
        assertThat(endpoint.acceptedSpans()).isEqualTo(2);
    }

    /** An OTLP JSON body: ids in hex, as the OTLP JSON encoding has them; one usable span and one without tokens. */
    private static final String JSON_BODY = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"gw-json"}}]},
              "scopeSpans":[{"spans":[
                {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"chat",
                 "startTimeUnixNano":"1764000000000000000","endTimeUnixNano":"1764000000500000000","kind":3,
                 "attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},
                               {"key":"gen_ai.usage.input_tokens","value":{"intValue":"120"}},
                               {"key":"gen_ai.usage.output_tokens","value":{"intValue":"30"}}]},
                {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","name":"chat",
                 "attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}}]}]}]}]}
            """;

    private HttpResponse<String> post(String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url())).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aJsonBodyIsReadWithHexIdsAndARejectedSpanIsAPartialSuccess() throws Exception {
        endpoint = OtlpHttpEndpoint.start(OtlpConfig.defaults().withPort(0), sink);

        HttpResponse<String> response = post("application/json", JSON_BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"rejectedSpans\":\"1\"").contains("no gen_ai.usage.input_tokens");
        assertThat(received).singleElement().satisfies(e -> {
            assertThat(e.getEventId()).isEqualTo("5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174");
            assertThat(e.getInputTokens()).isEqualTo(120);
            assertThat(e.getLatencyMs()).isEqualTo(500L);
            assertThat(e.getUseCase()).isEqualTo("gw-json");
        });
    }

    @Test
    void aGzipJsonBodyIsInflated() throws Exception {
        endpoint = OtlpHttpEndpoint.start(OtlpConfig.defaults().withPort(0), sink);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(JSON_BODY.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(post("application/json", gz.toByteArray(), "Content-Encoding", "gzip").statusCode()).isEqualTo(200);
        assertThat(received).hasSize(1);
    }

    @Test
    void badRequestsGetTheStatusACollectorGives() throws Exception {
        endpoint = OtlpHttpEndpoint.start(OtlpConfig.defaults().withPort(0).withMaxBodyBytes(2048)
                .withBearerToken("tok"), sink);
        String[] auth = {"Authorization", "Bearer tok"};

        HttpResponse<String> noToken = post("application/json", JSON_BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(noToken.statusCode()).isEqualTo(401);
        HttpResponse<String> wrongType = post("text/plain", "hello".getBytes(StandardCharsets.UTF_8), auth);
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(wrongType.body()).contains("application/x-protobuf").contains("text/plain");
        HttpResponse<String> notJson = post("application/json", "{not json".getBytes(StandardCharsets.UTF_8), auth);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).startsWith("malformed OTLP JSON");
        HttpResponse<String> badHex = post("application/json",
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"xyz\"}]}]}]}".getBytes(StandardCharsets.UTF_8), auth);
        assertThat(badHex.statusCode()).isEqualTo(400);
        assertThat(badHex.body()).contains("spanId 'xyz' is not hex");
        HttpResponse<String> notProtobuf = post("application/x-protobuf", new byte[] {(byte) 0xff, 0x01, 0x02}, auth);
        assertThat(notProtobuf.statusCode()).isEqualTo(400);
        HttpResponse<String> huge = post("application/json", new byte[4096], auth);
        assertThat(huge.statusCode()).isEqualTo(413);
        // a gzip bomb: 1 MiB of zeros in a few KB, inflated past the 2,048-byte limit
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(new byte[1 << 20]);
        }
        assertThat(post("application/json", gz.toByteArray(), "Authorization", "Bearer tok", "Content-Encoding", "gzip")
                .statusCode()).isEqualTo(413);
        assertThat(received).isEmpty();
    }

    @Test
    void aFullQueueIsA503WithRetryAfterAndNothingOfTheBatchIsQueued() throws Exception {
        capacity = 0;
        endpoint = OtlpHttpEndpoint.start(OtlpConfig.defaults().withPort(0), sink);

        HttpResponse<String> response = post("application/json", JSON_BODY.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("5");
        assertThat(received).isEmpty();
    }
}
