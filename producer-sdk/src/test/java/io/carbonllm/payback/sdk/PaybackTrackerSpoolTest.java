package io.carbonllm.payback.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk spool against a producer that can be "away" (its send fails as Kafka's does without metadata): records
 * go to disk in order instead of filling the queue, come back in order once it is back, survive a close and a
 * restart, stop at the size bound (counted), and a torn write at the end of a segment is cut off.
 */
class PaybackTrackerSpoolTest {

    @TempDir
    Path dir;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final List<PaybackTracker> trackers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        trackers.forEach(t -> t.close(Duration.ofSeconds(5)));
    }

    /**
     * A mock producer that refuses every send while away, as Kafka 4's does when metadata does not come within
     * {@code max.block.ms}: the callback fails on the calling thread and the future returned has already failed. It can
     * be told to take only so many more first.
     */
    static final class AwayProducer extends MockProducer<byte[], byte[]> {
        volatile boolean away;
        final AtomicInteger acceptBeforeAway = new AtomicInteger(Integer.MAX_VALUE);

        AwayProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (away || acceptBeforeAway.getAndDecrement() <= 0) {
                away = true;
                TimeoutException e = new TimeoutException("Topic " + record.topic()
                        + " not present in metadata after 250 ms.");
                if (callback != null) {
                    callback.onCompletion(null, e);
                }
                return CompletableFuture.failedFuture(e);
            }
            return super.send(record, callback);
        }
    }

    private PaybackTracker tracker(AwayProducer producer, int capacity, long spoolMaxBytes, long segmentBytes) {
        PaybackTracker tracker = PaybackTracker.builder().bootstrapServers("unused:9092").schemaRegistry(registry)
                .queueCapacity(capacity).spoolDirectory(dir.resolve("spool")).spoolMaxBytes(spoolMaxBytes)
                .spoolSegmentBytes(segmentBytes).producerFactory(props -> producer).build();
        trackers.add(tracker);
        return tracker;
    }

    private static InferenceEvent event(int n) {
        return InferenceEvent.newBuilder().setEventId(String.format("e%05d", n)).setEventTime(Instant.EPOCH)
                .setGateway("gw").setUseCase("uc-" + n % 3).setModelId("m").setInputTokens(n).setOutputTokens(2)
                .setSuccess(true).build();
    }

    private static List<String> ids(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).mapToObj(n -> String.format("e%05d", n)).toList();
    }

    private List<String> sentIds(MockProducer<byte[], byte[]> producer) {
        AvroDeserializer<InferenceEvent> events = new AvroDeserializer<>(registry, InferenceEvent.class);
        return producer.history().stream().map(r -> events.deserialize(r.topic(), r.value()).getEventId()).toList();
    }

    private long segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".spool")).count();
        }
    }

    @Test
    void whileTheBrokerIsAwayEventsBeyondTheQueuesBoundGoToDiskAndAreSentInOrderOnceItIsBack() throws Exception {
        // Given a queue of 10 and the broker away: without the spool, 1,990 of these 2,000 would be dropped
        AwayProducer producer = new AwayProducer();
        producer.away = true;
        PaybackTracker tracker = tracker(producer, 10, 64L << 20, 16 * 1024);
        for (int n = 0; n < 2_000; n++) {
            // the sender moves the queue to disk as it fills; a caller that outruns it waits a little here, as a
            // gateway at 1,000 events/s would never need to
            while (tracker.remainingCapacity() == 0) {
                Thread.sleep(1);
            }
            assertThat(tracker.record(event(n))).isTrue();
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> tracker.metrics().spoolDepth() == 2_000);
        assertThat(tracker.metrics().spooled()).isEqualTo(2_000);
        assertThat(tracker.metrics().spoolBytes()).isPositive();
        assertThat(segmentFiles()).as("16 KiB segments for ~2,000 x 100+ bytes").isGreaterThan(2);
        assertThat(producer.history()).isEmpty();

        // When it is back
        producer.away = false;

        // Then all 2,000 are sent once, in the order recorded, and the spool's files are gone
        await().atMost(30, TimeUnit.SECONDS).until(() -> tracker.metrics().sent() == 2_000);
        assertThat(sentIds(producer)).containsExactlyElementsOf(ids(0, 2_000));
        await().atMost(10, TimeUnit.SECONDS).until(() -> segmentFiles() == 0 && tracker.metrics().spoolBytes() == 0);
        assertThat(tracker.metrics().spoolDepth()).isZero();

        // And the next event is sent behind them
        tracker.record(event(2_000));
        await().atMost(10, TimeUnit.SECONDS).until(() -> tracker.metrics().sent() == 2_001);
        assertThat(sentIds(producer)).last().isEqualTo("e02000");
        assertThat(tracker.metrics().droppedTotal()).isZero();
    }

    @Test
    void whatIsSpooledAtCloseIsSentByTheNextTrackerOnTheSameDirectoryNotLost() throws Exception {
        // Given 300 events recorded with the broker away, and the tracker closed with a 1 s timeout
        AwayProducer first = new AwayProducer();
        first.away = true;
        PaybackTracker tracker = tracker(first, 1_000, 64L << 20, 4 * 1024);
        for (int n = 0; n < 300; n++) {
            assertThat(tracker.record(event(n))).isTrue();
        }
        CloseReport report = tracker.close(Duration.ofSeconds(1));

        // Then nothing is lost at close: the 300 are on disk
        assertThat(report.undelivered()).isZero();
        assertThat(report.spooled()).isEqualTo(300);
        assertThat(report.complete()).isTrue();

        // When a tracker starts on the same directory with the broker back, it sends them, in order, before new ones
        AwayProducer second = new AwayProducer();
        second.away = true;
        PaybackTracker next = tracker(second, 1_000, 64L << 20, 4 * 1024);
        assertThat(next.metrics().spoolDepth()).isEqualTo(300);
        next.record(event(300));
        second.away = false;
        await().atMost(20, TimeUnit.SECONDS).until(() -> next.metrics().sent() == 301);
        assertThat(sentIds(second)).containsExactlyElementsOf(ids(0, 301));
        await().atMost(10, TimeUnit.SECONDS).until(() -> segmentFiles() == 0);
    }

    @Test
    void aRestartMidReplaySendsOnlyWhatWasNotAcknowledged() throws Exception {
        // Given 1,000 events spooled, then the broker back for only 400 of them, then away again, and a close
        AwayProducer first = new AwayProducer();
        first.away = true;
        PaybackTracker tracker = tracker(first, 2_000, 64L << 20, 8 * 1024);
        for (int n = 0; n < 1_000; n++) {
            assertThat(tracker.record(event(n))).isTrue();
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> tracker.metrics().spoolDepth() == 1_000);
        first.acceptBeforeAway.set(400);
        first.away = false;
        await().atMost(20, TimeUnit.SECONDS).until(() -> tracker.metrics().sent() == 400 && first.away);
        CloseReport report = tracker.close(Duration.ofSeconds(1));
        assertThat(report.spooled()).isEqualTo(600);

        // When the next tracker starts on it, with the broker up
        AwayProducer second = new AwayProducer();
        PaybackTracker next = tracker(second, 2_000, 64L << 20, 8 * 1024);

        // Then it sends e00400..e00999: the 400 acknowledged ones are not sent twice
        await().atMost(20, TimeUnit.SECONDS).until(() -> next.metrics().sent() == 600);
        assertThat(sentIds(first)).containsExactlyElementsOf(ids(0, 400));
        assertThat(sentIds(second)).containsExactlyElementsOf(ids(400, 1_000));
    }

    @Test
    void aFullSpoolDropsTheNewestAndCountsThem() throws Exception {
        // Given a 1 MiB spool and the broker away
        AwayProducer producer = new AwayProducer();
        producer.away = true;
        PaybackTracker tracker = tracker(producer, 100_000, 1L << 20, 256 * 1024);
        int recorded = 20_000;
        for (int n = 0; n < recorded; n++) {
            assertThat(tracker.record(event(n))).isTrue();
        }
        // When the sender has moved the queue to disk
        await().atMost(30, TimeUnit.SECONDS).until(() -> tracker.metrics().queueDepth() == 0
                && tracker.metrics().spooled() + tracker.metrics().dropped().get(DropCause.SPOOL_FULL) == recorded);
        long spooled = tracker.metrics().spooled();
        long dropped = tracker.metrics().dropped().get(DropCause.SPOOL_FULL);

        // Then it stopped at the bound: every event took about 100 bytes, so well under 20,000 fit, and the rest are
        // counted as SPOOL_FULL
        assertThat(spooled).isBetween(1_000L, 15_000L);
        assertThat(dropped).isEqualTo(recorded - spooled);
        assertThat(tracker.metrics().spoolBytes()).isLessThanOrEqualTo(1L << 20);

        // And once the broker is back, the oldest ones (the spooled ones) are sent, in order
        producer.away = false;
        await().atMost(30, TimeUnit.SECONDS).until(() -> tracker.metrics().sent() == spooled);
        assertThat(sentIds(producer)).containsExactlyElementsOf(ids(0, (int) spooled));
    }

    @Test
    void aWriteCutShortWhenTheProcessDiedIsCutOffAndTheWholeRecordsBeforeItAreSent() throws Exception {
        // Given 50 events spooled and closed, then half an entry's worth of bytes appended to the last segment
        AwayProducer first = new AwayProducer();
        first.away = true;
        PaybackTracker tracker = tracker(first, 100, 64L << 20, 64 * 1024);
        for (int n = 0; n < 50; n++) {
            tracker.record(event(n));
        }
        assertThat(tracker.close(Duration.ofMillis(500)).spooled()).isEqualTo(50);
        Path segment;
        try (Stream<Path> files = Files.list(dir.resolve("spool"))) {
            segment = files.filter(f -> f.getFileName().toString().endsWith(".spool")).sorted().reduce((a, b) -> b)
                    .orElseThrow();
        }
        long size = Files.size(segment);
        Files.write(segment, new byte[] {0, 0, 0, 90, 1, 2, 3, 4, 2, 0, 0}, StandardOpenOption.APPEND);

        // When the next tracker opens it
        AwayProducer second = new AwayProducer();
        second.away = true;
        PaybackTracker next = tracker(second, 100, 64L << 20, 64 * 1024);

        // Then the torn entry is gone and the 50 whole ones are sent
        assertThat(Files.size(segment)).isEqualTo(size);
        assertThat(next.metrics().spoolDepth()).isEqualTo(50);
        second.away = false;
        await().atMost(20, TimeUnit.SECONDS).until(() -> next.metrics().sent() == 50);
        assertThat(sentIds(second)).containsExactlyElementsOf(ids(0, 50));
    }

    @Test
    void twoTrackersCannotShareASpoolDirectory() {
        tracker(new AwayProducer(), 10, 64L << 20, 64 * 1024);
        assertThatThrownBy(() -> tracker(new AwayProducer(), 10, 64L << 20, 64 * 1024))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("spool").toString())
                .hasMessageContaining("in use by another tracker");
    }

    @Test
    void aSpoolBoundUnderOneMebibyteIsRefusedAtBuildTime() {
        assertThatThrownBy(() -> tracker(new AwayProducer(), 10, 1_000, 1_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spoolMaxBytes must be at least 1048576 (1 MiB), got 1000");
    }
}
