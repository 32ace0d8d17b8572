package io.carbonllm.payback.sdk.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.sdk.DropCause;
import io.carbonllm.payback.sdk.OverflowPolicy;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.sdk.TestTrackers;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The binder against a real tracker: a MockProducer that acknowledges only when told, and an in-memory registry that
 * can be down. The meters read what the tracker did, as it does it.
 */
class PaybackTrackerMetricsTest {

    private final AtomicBoolean registryDown = new AtomicBoolean();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final PaybackTracker tracker = TestTrackers.sendingTo(PaybackTracker.builder()
            .bootstrapServers("unused:9092").schemaRegistry(flaky(new InMemorySchemaRegistryClient(), registryDown))
            .queueCapacity(3).overflowPolicy(OverflowPolicy.DROP_NEWEST), producer).build();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        tracker.close(Duration.ofSeconds(1));
    }

    private double counter(String name) {
        return meters.get(PaybackTrackerMetrics.PREFIX + name).functionCounter().count();
    }

    private double dropped(DropCause cause) {
        return meters.get("payback.tracker.dropped").tag("cause", cause.name().toLowerCase(Locale.ROOT)).functionCounter().count();
    }

    private double gauge(String name) {
        return meters.get(PaybackTrackerMetrics.PREFIX + name).gauge().value();
    }

    private double seconds(String name) {
        return meters.get(PaybackTrackerMetrics.PREFIX + name).timeGauge().value(TimeUnit.SECONDS);
    }

    private static InferenceEvent event(String id) {
        return InferenceEvent.newBuilder().setEventId(id).setEventTime(Instant.EPOCH).setGateway("gw")
                .setUseCase("uc").setModelId("m").setInputTokens(10).setOutputTokens(2).setSuccess(true).build();
    }

    @Test
    void everyMeterIsNamedWithThePrefixTaggedAndInItsBaseUnit() {
        new PaybackTrackerMetrics(tracker, Tags.of("gateway", "gw-test")).bindTo(meters);

        assertThat(meters.getMeters()).extracting(m -> m.getId().getName()).containsOnly(
                "payback.tracker.recorded", "payback.tracker.sent", "payback.tracker.dropped",
                "payback.tracker.send.retries", "payback.tracker.spooled", "payback.tracker.queue.depth",
                "payback.tracker.spool.depth", "payback.tracker.spool.size", "payback.tracker.send.latency",
                "payback.tracker.send.latency.mean", "payback.tracker.send.latency.max");
        // 10 meters plus one dropped counter per cause
        assertThat(meters.getMeters()).hasSize(10 + DropCause.values().length);
        assertThat(meters.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("gateway")).isEqualTo("gw-test"));
        assertThat(meters.find("payback.tracker.dropped").functionCounters()).extracting(c -> c.getId().getTag("cause"))
                .containsExactlyInAnyOrder(Arrays.stream(DropCause.values()).map(c -> c.name().toLowerCase(Locale.ROOT))
                        .toArray(String[]::new));
        assertThat(unit("recorded")).isEqualTo("events");
        assertThat(unit("send.retries")).isEqualTo("retries");
        assertThat(unit("queue.depth")).isEqualTo("events");
        assertThat(unit("spool.size")).isEqualTo("bytes");
        assertThat(unit("send.latency.mean")).isEqualTo("seconds"); // SimpleMeterRegistry's base time unit
        assertThat(meters.get("payback.tracker.sent").meter().getId().getType()).isEqualTo(Meter.Type.COUNTER);
        assertThat(meters.get("payback.tracker.queue.depth").meter().getId().getType()).isEqualTo(Meter.Type.GAUGE);
    }

    private String unit(String name) {
        return meters.get(PaybackTrackerMetrics.PREFIX + name).meter().getId().getBaseUnit();
    }

    @Test
    void theMetersFollowTheTrackerThroughAnOutageAFullQueueDeliveryAndClose() {
        // Given the binder on a tracker (queue of 3) whose registry is down: nothing can be serialized yet
        new PaybackTrackerMetrics(tracker).bindTo(meters);
        registryDown.set(true);
        assertThat(counter("recorded")).isZero();

        // When e1 is recorded, the sender takes it and retries it; e2-e4 fill the queue; e5 finds it full
        tracker.record(event("e1"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> tracker.metrics().queueDepth() == 0
                && tracker.metrics().sendRetries() > 0);
        for (String id : new String[] {"e2", "e3", "e4", "e5"}) {
            tracker.record(event(id));
        }

        // Then 4 recorded, 3 queued, 1 dropped as queue full, none sent, retries counted
        assertThat(counter("recorded")).isEqualTo(4);
        assertThat(gauge("queue.depth")).isEqualTo(3);
        assertThat(dropped(DropCause.QUEUE_FULL)).isEqualTo(1);
        assertThat(dropped(DropCause.DELIVERY_FAILED)).isZero();
        assertThat(counter("sent")).isZero();
        assertThat(counter("send.retries")).isPositive();

        // When the registry is back: e1-e4 go to the producer, which acknowledges three and refuses the fourth
        registryDown.set(false);
        await().atMost(20, TimeUnit.SECONDS).until(() -> producer.history().size() == 4);
        assertThat(gauge("queue.depth")).isZero();
        producer.completeNext();
        producer.completeNext();
        producer.completeNext();
        producer.errorNext(new RecordTooLargeException("too large (test)"));

        // Then 3 sent, 1 dropped as a delivery failure, and the latency of the 3 (record to ack) in seconds
        assertThat(counter("sent")).isEqualTo(3);
        assertThat(dropped(DropCause.DELIVERY_FAILED)).isEqualTo(1);
        assertThat(seconds("send.latency.mean")).isPositive()
                .isEqualTo(tracker.metrics().meanSendLatencyMicros() / 1e6);
        assertThat(seconds("send.latency.max")).isGreaterThanOrEqualTo(seconds("send.latency.mean"))
                .isEqualTo(tracker.metrics().maxSendLatencyMicros() / 1e6);
        // the timer: 3 events, and their latencies' sum (3 x the mean, to the microsecond)
        assertThat(meters.get("payback.tracker.send.latency").functionTimer().count()).isEqualTo(3);
        assertThat(meters.get("payback.tracker.send.latency").functionTimer().totalTime(TimeUnit.MICROSECONDS))
                .isEqualTo((double) tracker.metrics().totalSendLatencyMicros()).isPositive();
        // The spool is off: its meters read 0
        assertThat(counter("spooled")).isZero();
        assertThat(gauge("spool.depth")).isZero();
        assertThat(gauge("spool.size")).isZero();

        // When the tracker is closed and one more event comes: it is counted as closed
        tracker.close(Duration.ofSeconds(1));
        tracker.record(event("e6"));
        assertThat(dropped(DropCause.CLOSED)).isEqualTo(1);
        assertThat(counter("recorded")).isEqualTo(4);
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
