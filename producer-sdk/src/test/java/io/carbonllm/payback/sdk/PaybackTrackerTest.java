package io.carbonllm.payback.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tracker against a mock producer and an in-memory registry that can be taken down: {@code record} hands over and
 * returns; the sender serializes and sends in order; a full queue drops by policy and counts; {@code close} reports.
 */
class PaybackTrackerTest {

    private final InMemorySchemaRegistryClient memory = new InMemorySchemaRegistryClient();
    private final AtomicBoolean registryDown = new AtomicBoolean();
    private final SchemaRegistryClient registry = flaky(memory, registryDown);
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private PaybackTracker tracker;

    @AfterEach
    void close() {
        if (tracker != null) {
            tracker.close(Duration.ofSeconds(5));
        }
    }

    private PaybackTracker tracker(int capacity, OverflowPolicy policy) {
        tracker = PaybackTracker.builder().bootstrapServers("unused:9092").schemaRegistry(registry)
                .queueCapacity(capacity).overflowPolicy(policy).gateway("gw-test")
                .clock(Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC))
                .producerFactory(props -> producer).build();
        return tracker;
    }

    private static InferenceEvent event(String id) {
        return InferenceEvent.newBuilder().setEventId(id).setEventTime(Instant.EPOCH).setGateway("gw")
                .setUseCase("uc").setModelId("m").setInputTokens(10).setOutputTokens(2).setSuccess(true).build();
    }

    /** The event ids the producer was given, in order. */
    private List<String> sentIds() {
        AvroDeserializer<InferenceEvent> events = new AvroDeserializer<>(memory, InferenceEvent.class);
        return producer.history().stream().map(r -> events.deserialize(r.topic(), r.value()).getEventId()).toList();
    }

    @Test
    void recordedEventsAreSentInOrderKeyedByUseCaseAndCounted() {
        PaybackTracker t = tracker(10, OverflowPolicy.DROP_NEWEST);
        assertThat(t.record(event("e1"))).isTrue();
        assertThat(t.record(event("e2"))).isTrue();

        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().sent() == 2);
        assertThat(sentIds()).containsExactly("e1", "e2");
        ProducerRecord<byte[], byte[]> first = producer.history().get(0);
        assertThat(first.topic()).isEqualTo("inference-events");
        assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("uc");
        assertThat(t.metrics().recorded()).isEqualTo(2);
        assertThat(t.metrics().droppedTotal()).isZero();
    }

    @Test
    void aRequestDescribedFieldByFieldIsStampedWithTheTrackersClockAndGateway() {
        PaybackTracker t = tracker(10, OverflowPolicy.DROP_NEWEST);
        t.request().useCase("support").model("small").region("eu-north-1").taskId("conv-1")
                .inputTokens(812).outputTokens(164).failed("timeout").record();

        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().sent() == 1);
        InferenceEvent sent = new AvroDeserializer<>(memory, InferenceEvent.class)
                .deserialize("inference-events", producer.history().get(0).value());
        assertThat(sent.getEventTime()).isEqualTo(Instant.parse("2026-11-27T12:00:00Z"));
        assertThat(sent.getGateway()).isEqualTo("gw-test");
        assertThat(sent.getSuccess()).isFalse();
        assertThat(sent.getErrorType()).isEqualTo("timeout");
        assertThat(sent.getTaskId()).isEqualTo("conv-1");
        assertThat(sent.getEventId()).hasSize(36);
    }

    @Test
    void anInvalidEventIsRefusedOnTheCallersThreadNamingTheField() {
        PaybackTracker t = tracker(10, OverflowPolicy.DROP_NEWEST);
        assertThatThrownBy(() -> t.record(InferenceEvent.newBuilder(event("e")).setInputTokens(-1).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("inputTokens is negative: -1");
        assertThatThrownBy(() -> t.record(InferenceEvent.newBuilder(event("e")).setMeteredEnergyWh(Double.NaN).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("meteredEnergyWh");
        assertThatThrownBy(() -> t.request().useCase("u").model("m").inputTokens(1).record())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outputTokens");
        assertThat(t.metrics().recorded()).isZero();
    }

    @Test
    void whileTheRegistryIsDownTheQueueFillsAndDropNewestCountsEveryDrop() {
        // Given the registry down: the sender holds e1 (retrying it) and the queue of 3 takes e2-e4
        registryDown.set(true);
        PaybackTracker t = tracker(3, OverflowPolicy.DROP_NEWEST);
        t.record(event("e1"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().queueDepth() == 0);
        for (String id : List.of("e2", "e3", "e4")) {
            assertThat(t.record(event(id))).isTrue();
        }
        // When two more come
        assertThat(t.record(event("e5"))).isFalse();
        assertThat(t.record(event("e6"))).isFalse();

        // Then both are counted as dropped, queue full; and once the registry is back, e1-e4 go, in order
        assertThat(t.metrics().dropped().get(DropCause.QUEUE_FULL)).isEqualTo(2);
        registryDown.set(false);
        await().atMost(20, TimeUnit.SECONDS).until(() -> t.metrics().sent() == 4);
        assertThat(sentIds()).containsExactly("e1", "e2", "e3", "e4");
        assertThat(t.metrics().sendRetries()).isPositive();
    }

    @Test
    void dropOldestMakesRoomForTheNewestAndCountsTheOneItDropped() {
        registryDown.set(true);
        PaybackTracker t = tracker(3, OverflowPolicy.DROP_OLDEST);
        t.record(event("e1"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().queueDepth() == 0);
        for (String id : List.of("e2", "e3", "e4", "e5")) {
            assertThat(t.record(event(id))).isTrue();
        }

        // e2, the oldest queued, made room for e5
        assertThat(t.metrics().dropped().get(DropCause.QUEUE_FULL)).isEqualTo(1);
        registryDown.set(false);
        await().atMost(20, TimeUnit.SECONDS).until(() -> t.metrics().sent() == 4);
        assertThat(sentIds()).containsExactly("e1", "e3", "e4", "e5");
    }

    @Test
    void closeDeliversWhatIsQueuedAndReportsWhatItCouldNot() {
        // Given 3 events delivered
        PaybackTracker t = tracker(10, OverflowPolicy.DROP_NEWEST);
        for (String id : List.of("e1", "e2", "e3")) {
            t.record(event(id));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().sent() == 3);
        // and 2 more that cannot go: the producer refuses them (a registry down would not stop them now, since the
        // schema's id is cached, as in any Confluent-compatible serializer); set under the producer's lock, which its
        // send() holds when it reads the field
        synchronized (producer) {
            producer.sendException = new TimeoutException("broker did not answer");
        }
        t.record(event("e4"));
        t.record(event("e5"));

        // When it closes with 300 ms to spare
        CloseReport report = t.close(Duration.ofMillis(300));

        // Then it reports 3 delivered and 2 not, counted; and a record after close is refused and counted
        assertThat(report.delivered()).isEqualTo(3);
        assertThat(report.undelivered()).isEqualTo(2);
        assertThat(report.complete()).isFalse();
        assertThat(t.record(event("e6"))).isFalse();
        assertThat(t.metrics().dropped().get(DropCause.CLOSED)).isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSendThatFailsInsideSendForWantOfMetadataIsRetriedNotDropped() {
        // Given a producer that, like KafkaProducer without metadata, fails the first two sends inside send(): the
        // callback gets a TimeoutException and the returned future has already failed
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger(2);
        org.apache.kafka.clients.producer.Producer<byte[], byte[]> noMetadataAtFirst = (org.apache.kafka.clients.producer.Producer<byte[], byte[]>)
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {org.apache.kafka.clients.producer.Producer.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("send") && args.length == 2 && failures.getAndDecrement() > 0) {
                                TimeoutException e = new TimeoutException(
                                        "Topic inference-events not present in metadata after 1000 ms.");
                                ((org.apache.kafka.clients.producer.Callback) args[1]).onCompletion(null, e);
                                return java.util.concurrent.CompletableFuture.failedFuture(e);
                            }
                            try {
                                return method.invoke(producer, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
        tracker = PaybackTracker.builder().bootstrapServers("unused:9092").schemaRegistry(registry)
                .producerFactory(props -> noMetadataAtFirst).build();
        PaybackTracker t = tracker;

        // When two events are recorded
        t.record(event("e1"));
        t.record(event("e2"));

        // Then both are delivered, in order, after two retries of e1; nothing is dropped
        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().sent() == 2);
        assertThat(sentIds()).containsExactly("e1", "e2");
        assertThat(t.metrics().sendRetries()).isEqualTo(2);
        assertThat(t.metrics().droppedTotal()).isZero();
    }

    @Test
    void aTrainingRunGoesToTheRunsTopicKeyedByItsId() {
        PaybackTracker t = tracker(10, OverflowPolicy.DROP_NEWEST);
        t.recordTrainingRun(TrainingRun.newBuilder().setRunId("ft-1").setMeteredKwh(12.5).setRegion("eu-north-1")
                .setStartedAt(Instant.EPOCH).build());

        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().sent() == 1);
        assertThat(producer.history().get(0).topic()).isEqualTo("training-runs");
        assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("ft-1");
    }

    @Test
    void aBuilderSaysWhatIsMissingOrWrong() {
        assertThatThrownBy(() -> PaybackTracker.builder().schemaRegistryUrl("http://r:8081").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> PaybackTracker.builder().bootstrapServers("b:9092").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schemaRegistryUrl");
        assertThatThrownBy(() -> PaybackTracker.builder().bootstrapServers("b:9092").schemaRegistry(memory)
                .queueCapacity(0).build()).hasMessageContaining("queueCapacity must be in [1, 10000000], got 0");
        assertThatThrownBy(() -> PaybackTracker.builder().bootstrapServers("b:9092").schemaRegistry(memory)
                .producerProperty("acks", "1").build()).hasMessageContaining("acks=all");
    }

    /** The in-memory registry, answering Unavailable (as the HTTP client does after its retries) while {@code down}. */
    private static SchemaRegistryClient flaky(SchemaRegistryClient delegate, AtomicBoolean down) {
        return (SchemaRegistryClient) Proxy.newProxyInstance(SchemaRegistryClient.class.getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class}, (proxy, method, args) -> {
                    if (down.get() && !method.getName().equals("close") && !method.getName().equals("describe")) {
                        throw new SchemaRegistryException.Unavailable("registry down (test)", "memory", 503, null);
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
