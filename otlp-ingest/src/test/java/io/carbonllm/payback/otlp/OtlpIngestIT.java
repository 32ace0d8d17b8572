package io.carbonllm.payback.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.schemas.serde.TopicContents;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real parts: the OpenTelemetry Java SDK exports GenAI spans (OTLP/HTTP, protobuf, batched) to the
 * receiver, whose tracker publishes them to the real broker through the real registry; the events on the topic are
 * the spans' figures, keyed by use case.
 */
class OtlpIngestIT {

    @TempDir
    static Path dir;
    private static EmbeddedKafkaBroker broker;
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startStack() throws Exception {
        broker = new EmbeddedKafkaBroker(Ports.findFree(), Ports.findFree(), dir.resolve("kafka")).start();
        registry = ApicurioRegistry.inMemory(Ports.findFree(), dir.resolve("registry")).start();
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("inference-events", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopStack() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void genAiSpansFromTheOpenTelemetrySdkArriveOnTheBrokerAsEvents() throws Exception {
        PaybackTracker tracker = PaybackTracker.builder().bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.confluentApiUrl()).build();
        OtlpHttpEndpoint endpoint = OtlpHttpEndpoint.start(OtlpConfig.defaults().withPort(0), new TrackerSink(tracker));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "litellm-proxy")))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint("http://127.0.0.1:" + endpoint.port() + OtlpHttpEndpoint.PATH).build()).build())
                .build();
        try {
            // Given 50 chat spans: conversation i has i % 5 + 1 input tokens x 100 and 10 output tokens
            Tracer tracer = provider.get("it");
            for (int i = 0; i < 50; i++) {
                tracer.spanBuilder("chat").setAttribute("gen_ai.operation.name", "chat")
                        .setAttribute("gen_ai.provider.name", "openai").setAttribute("gen_ai.request.model", "gpt-4o-mini")
                        .setAttribute("gen_ai.usage.input_tokens", 100L * (i % 5 + 1))
                        .setAttribute("gen_ai.usage.output_tokens", 10L)
                        .setAttribute("payback.use_case", "support-summarize")
                        .setAttribute("gen_ai.conversation.id", "conv-" + i).startSpan().end();
            }
            provider.forceFlush().join(30, TimeUnit.SECONDS);

            // Then 50 events reach the topic: input tokens sum to 10 x (100 + 200 + 300 + 400 + 500) = 15,000
            await().atMost(60, TimeUnit.SECONDS).until(() -> tracker.metrics().sent() == 50);
            List<InferenceEvent> events = readAll();
            assertThat(events).hasSize(50);
            assertThat(events.stream().mapToLong(InferenceEvent::getInputTokens).sum()).isEqualTo(15_000);
            assertThat(events).allSatisfy(e -> {
                assertThat(e.getUseCase()).isEqualTo("support-summarize");
                assertThat(e.getGateway()).isEqualTo("litellm-proxy");
                assertThat(e.getProvider()).isEqualTo("openai");
                assertThat(e.getTaskId()).startsWith("conv-");
            });
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
            endpoint.close();
            tracker.close(Duration.ofSeconds(10));
        }
    }

    private static List<InferenceEvent> readAll() {
        AvroDeserializer<InferenceEvent> deserializer = new AvroDeserializer<>(
                new HttpSchemaRegistryClient(registry.confluentApiUrl()), InferenceEvent.class);
        return TopicContents.read(broker.bootstrapServers(), "inference-events", false).stream()
                .map(r -> deserializer.deserialize(r.topic(), r.value())).toList();
    }
}
