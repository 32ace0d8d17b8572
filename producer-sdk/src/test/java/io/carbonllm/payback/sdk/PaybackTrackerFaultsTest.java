package io.carbonllm.payback.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.sdk.internal.Sender;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What goes wrong around the tracker, and what it does then: a disk that fills, a build that fails half way, an outage
 * long enough to drop, acknowledgements out of order at close, a small spool, a close that must flush, and runs and
 * batches the streams app would refuse.
 */
class PaybackTrackerFaultsTest {

    @TempDir
    Path dir;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final List<PaybackTracker> trackers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        trackers.forEach(t -> t.close(Duration.ofSeconds(2)));
    }

    private static InferenceEvent event(int n) {
        return InferenceEvent.newBuilder().setEventId(String.format("e%05d", n)).setEventTime(Instant.EPOCH)
                .setGateway("gw").setUseCase("uc-" + n % 3).setModelId("m").setInputTokens(n).setOutputTokens(2)
                .setSuccess(true).build();
    }

    private PaybackTracker track(PaybackTracker tracker) {
        trackers.add(tracker);
        return tracker;
    }

    private PaybackTracker.Builder builder(Producer<byte[], byte[]> producer) {
        return PaybackTracker.builder().bootstrapServers("unused:9092").schemaRegistry(registry)
                .producerFactory(p -> producer);
    }

    private List<String> ids(MockProducer<byte[], byte[]> producer) {
        AvroDeserializer<InferenceEvent> events = new AvroDeserializer<>(registry, InferenceEvent.class);
        return producer.history().stream().map(r -> events.deserialize(r.topic(), r.value()).getEventId()).toList();
    }

    /** The in-memory registry, answering 503 while {@code down} holds. */
    private SchemaRegistryClient flaky(AtomicBoolean down) {
        return (SchemaRegistryClient) Proxy.newProxyInstance(SchemaRegistryClient.class.getClassLoader(),
                new Class<?>[] {SchemaRegistryClient.class}, (proxy, method, args) -> {
                    if (down.get() && !method.getName().equals("close")) {
                        throw new SchemaRegistryException.Unavailable("down (test)", "memory", 503, null);
                    }
                    try {
                        return method.invoke(registry, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static MockProducer<byte[], byte[]> acking() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Test
    void aFullDiskCountsWhatItLostAndTheSenderGoesOnWithTheRest() throws Exception {
        assumeThat(Path.of("/dev/full")).as("a Linux /dev/full").exists();
        // Given the broker away and one event on disk, and then the next segment file on a disk that is full
        PaybackTrackerSpoolTest.AwayProducer producer = new PaybackTrackerSpoolTest.AwayProducer();
        producer.away = true;
        Path spool = dir.resolve("spool");
        PaybackTracker t = track(builder(producer).queueCapacity(1_000).spoolDirectory(spool)
                .spoolMaxBytes(64L << 20).spoolSegmentBytes(4096).build());
        t.record(event(0));
        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().spooled() == 1);
        Files.createSymbolicLink(spool.resolve("segment-00000000000000000001.spool"), Path.of("/dev/full"));

        // When 200 more are recorded (the first 4 KiB segment is nearly full, so they go to the full disk first)
        for (int n = 1; n <= 200; n++) {
            assertThat(t.record(event(n))).isTrue();
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().queueDepth() == 0
                && t.metrics().spooled() - t.metrics().dropped(DropCause.SPOOL_FULL) + 0 >= 1);
        long lost = t.metrics().dropped(DropCause.SPOOL_FULL);
        assertThat(lost).as("events the full disk took").isPositive();

        // Then, with the broker back, every other event is sent and the sender still takes new ones
        producer.away = false;
        t.record(event(201));
        await().atMost(20, TimeUnit.SECONDS).until(() -> t.metrics().sent() + lost == 202);
        assertThat(t.metrics().spoolDepth()).isZero();
        assertThat(ids(producer)).startsWith("e00000").endsWith("e00201").doesNotHaveDuplicates();
    }

    @Test
    void aBuildThatFailsAfterTheSpoolWouldOpenLeavesItsDirectoryFree() {
        // Given a build that fails on the registry client's truststore
        Path spool = dir.resolve("spool");
        Properties bad = new Properties();
        bad.setProperty("schema.registry.ssl.truststore.location", dir.resolve("missing.jks").toString());
        assertThatThrownBy(() -> PaybackTracker.builder().bootstrapServers("unused:9092")
                .schemaRegistryUrl("https://registry:8081").clientProperties(bad).spoolDirectory(spool).build())
                .isInstanceOf(RuntimeException.class);

        // Then a tracker can take the directory at once
        PaybackTracker t = track(builder(acking()).spoolDirectory(spool).build());
        assertThat(t.metrics().spoolDepth()).isZero();
    }

    @Test
    void theQueueFullWarningIsLoggedWhileTheOutageLastsNotAfterIt() throws Exception {
        Logger senderLog = (Logger) LoggerFactory.getLogger(Sender.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        senderLog.addAppender(logged);
        AtomicBoolean down = new AtomicBoolean(true);
        SchemaRegistryClient flaky = flaky(down);
        try {
            // Given the registry down: the sender holds e0, the queue of 3 takes e1-e3, and e4-e10 are dropped
            PaybackTracker t = track(PaybackTracker.builder().bootstrapServers("unused:9092").schemaRegistry(flaky)
                    .queueCapacity(3).producerFactory(p -> acking()).build());
            t.record(event(0));
            await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().queueDepth() == 0);
            for (int n = 1; n <= 10; n++) {
                t.record(event(n));
            }
            assertThat(t.metrics().dropped(DropCause.QUEUE_FULL)).isEqualTo(7);

            // Then the warning comes while the registry is still down, with the count
            await().atMost(15, TimeUnit.SECONDS).until(() -> logged.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("queue full")));
            assertThat(down).isTrue();
            assertThat(logged.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("queue full")).findFirst().orElseThrow()).contains("7 dropped");
        } finally {
            down.set(false);
            senderLog.detachAppender(logged);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void afterACloseWithAcknowledgementsOutOfOrderTheNextTrackerSendsOnlyWhatWasNotAcknowledged() throws Exception {
        // Given a producer whose acknowledgements come back out of order across partitions, and whose close fails
        // what is still in flight (as KafkaProducer's does when its timeout runs out)
        List<Callback> callbacks = Collections.synchronizedList(new ArrayList<>());
        List<AtomicBoolean> done = Collections.synchronizedList(new ArrayList<>());
        Producer<byte[], byte[]> outOfOrder = (Producer<byte[], byte[]>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Producer.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "send":
                            callbacks.add((Callback) args[1]);
                            done.add(new AtomicBoolean());
                            return new CompletableFuture<>();
                        case "close":
                            for (int i = 0; i < callbacks.size(); i++) {
                                if (done.get(i).compareAndSet(false, true)) {
                                    callbacks.get(i).onCompletion(null, new KafkaException("closed forcefully"));
                                }
                            }
                            return null;
                        default:
                            return null;
                    }
                });
        Path spool = dir.resolve("spool");
        PaybackTracker first = builder(outOfOrder).spoolDirectory(spool).build();
        for (int n = 0; n < 3; n++) {
            first.record(event(n)); // keys uc-0, uc-1, uc-2: three partitions
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> callbacks.size() == 3);
        // e00001 and e00002 acknowledged; e00000's partition is slow
        for (int i = 1; i <= 2; i++) {
            done.get(i).set(true);
            callbacks.get(i).onCompletion(null, null);
        }

        // When it is closed
        CloseReport report = first.close(Duration.ofMillis(500));

        // Then one event is left on disk, and the next tracker sends exactly that one
        assertThat(report.spooled()).isEqualTo(1);
        MockProducer<byte[], byte[]> second = acking();
        PaybackTracker next = track(builder(second).spoolDirectory(spool).build());
        await().atMost(10, TimeUnit.SECONDS).until(() -> next.metrics().sent() == 1);
        assertThat(ids(second)).containsExactly("e00000");
    }

    @Test
    void aOneMebibyteSpoolWithTheBrokerUpDropsNothing() throws Exception {
        // Given the smallest spool allowed and a broker acknowledging at once
        PaybackTracker t = track(builder(acking()).spoolDirectory(dir.resolve("spool")).spoolMaxBytes(1L << 20)
                .build());

        // When 30,000 events (about 4 MiB through the spool) arrive at about 5,000/s
        for (int n = 0; n < 30_000; n++) {
            assertThat(t.record(event(n))).isTrue();
            if (n % 50 == 49) {
                Thread.sleep(10);
            }
        }

        // Then all are sent: the acknowledged segments make room (segments are a quarter of the bound)
        await().atMost(30, TimeUnit.SECONDS).until(() -> t.metrics().sent() + t.metrics().droppedTotal() == 30_000);
        assertThat(t.metrics().droppedTotal()).isZero();
    }

    @Test
    void closeDeliversWhatIsStillQueuedWhenItIsCalled() throws Exception {
        // Given the registry down, so 50 events wait in the queue
        AtomicBoolean down = new AtomicBoolean(true);
        SchemaRegistryClient flaky = flaky(down);
        MockProducer<byte[], byte[]> producer = acking();
        PaybackTracker t = PaybackTracker.builder().bootstrapServers("unused:9092").schemaRegistry(flaky)
                .producerFactory(p -> producer).build();
        for (int n = 0; n < 50; n++) {
            t.record(event(n));
        }
        assertThat(t.metrics().sent()).isZero();

        // When the registry comes back and close is called at once
        down.set(false);
        CloseReport report = t.close(Duration.ofSeconds(10));

        // Then close itself delivered all 50, in order
        assertThat(report.delivered()).isEqualTo(50);
        assertThat(report.undelivered()).isZero();
        assertThat(ids(producer)).hasSize(50).startsWith("e00000").endsWith("e00049");
    }

    @Test
    void aTrainingRunTheStreamsAppWouldRefuseIsRefusedOnTheCallersThreadNamingTheField() {
        PaybackTracker t = track(builder(acking()).build());
        TrainingRun negative = TrainingRun.newBuilder().setRunId("ft-1").setKind("FINE_TUNE")
                .setCandidateModel("m-ft").setGpuCount(8).setHours(-2).setAvgPowerWPerGpu(700)
                .setOverheadFactor(1.0).setStartedAt(Instant.EPOCH).build();
        assertThatThrownBy(() -> t.recordTrainingRun(negative))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid training run ft-1: ").hasMessageContaining("hours");
        assertThat(t.metrics().recorded()).isZero();
    }

    @Test
    void aBatchIsQueuedWholeOrNotAtAll() {
        // Given a queue of 5 that holds 3 already (the registry never answers, so nothing leaves it)
        SchemaRegistryClient never = (SchemaRegistryClient) Proxy.newProxyInstance(
                SchemaRegistryClient.class.getClassLoader(), new Class<?>[] {SchemaRegistryClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    throw new SchemaRegistryException.Unavailable("down (test)", "memory", 503, null);
                });
        PaybackTracker t = track(PaybackTracker.builder().bootstrapServers("unused:9092").schemaRegistry(never)
                .queueCapacity(5).producerFactory(p -> acking()).build());
        t.record(event(0));
        await().atMost(10, TimeUnit.SECONDS).until(() -> t.metrics().queueDepth() == 0); // the sender holds e0
        assertThat(t.recordAll(List.of(event(1), event(2), event(3)))).isTrue();

        // Then a batch of 3 does not fit in the 2 places left: none of it is queued, nothing is counted as dropped
        assertThat(t.recordAll(List.of(event(4), event(5), event(6)))).isFalse();
        assertThat(t.metrics().queueDepth()).isEqualTo(3);
        assertThat(t.metrics().droppedTotal()).isZero();
        // And a batch of 2 does
        assertThat(t.recordAll(List.of(event(7), event(8)))).isTrue();
        assertThat(t.metrics().queueDepth()).isEqualTo(5);
    }

    @Test
    void aSpoolWithAFiniteDeliveryTimeoutIsRefusedAtBuildTime() {
        assertThatThrownBy(() -> builder(acking()).spoolDirectory(dir.resolve("spool"))
                .producerProperty("delivery.timeout.ms", 120_000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delivery.timeout.ms must stay unbounded").hasMessageContaining("120000");
    }
}
