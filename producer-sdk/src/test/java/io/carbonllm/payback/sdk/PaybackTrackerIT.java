package io.carbonllm.payback.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.schemas.serde.TopicContents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker's delivery guarantee on the real broker and registry: events recorded while the broker is down (within
 * the queue's bound) are delivered once it is back, none lost, none twice, in order per key; and {@code record} keeps
 * returning while it is down.
 */
class PaybackTrackerIT {

    private static final List<String> USE_CASES = List.of("uc-a", "uc-b", "uc-c");
    private static final String SPOOL_TOPIC = "spooled-events";
    /** The outage the spool test rides out at 1,000 events/s; -Dspool.outage.seconds=300 for five minutes. */
    private static final int OUTAGE_SECONDS = Integer.getInteger("spool.outage.seconds", 20);

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
            admin.createTopics(List.of(new NewTopic("inference-events", 3, (short) 1),
                    new NewTopic(SPOOL_TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
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

    private static InferenceEvent event(String useCase, int seq) {
        return InferenceEvent.newBuilder().setEventId(useCase + "-" + String.format("%06d", seq))
                .setEventTime(Instant.now()).setGateway("it").setUseCase(useCase).setModelId("m")
                .setInputTokens(100).setOutputTokens(10).setSuccess(true).build();
    }

    @Test
    void eventsRecordedWhileTheBrokerIsDownAreDeliveredOnceItIsBackNoneLostNoneTwiceInOrderPerKey() throws Exception {
        PaybackTracker tracker = PaybackTracker.builder().bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.confluentApiUrl()).queueCapacity(10_000).build();
        Map<String, Integer> seq = new LinkedHashMap<>();
        USE_CASES.forEach(uc -> seq.put(uc, 0));
        try {
            // Given 300 events delivered with the broker up
            recordRound(tracker, seq, 100);
            await().atMost(60, TimeUnit.SECONDS).until(() -> tracker.metrics().sent() == 300);

            // When the broker stops, 3,000 more are recorded (within the bound of 10,000), and it comes back 20 s later
            broker.close();
            long slowest = recordRound(tracker, seq, 1_000);
            // (record() only queues: no call waited on the broker; the old publish() blocked 60 s here)
            assertThat(slowest).as("slowest record() while the broker is down, ns").isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(tracker.metrics().recorded()).isEqualTo(3_300);
            Thread.sleep(20_000);
            assertThat(tracker.metrics().sent()).isEqualTo(300);
            broker.start();

            // Then all 3,300 are delivered, and the topic holds each once, in order per use case
            await().atMost(2, TimeUnit.MINUTES).until(() -> tracker.metrics().sent() == 3_300);
            assertThat(tracker.metrics().droppedTotal()).isZero();
            Map<String, List<String>> byKey = readAll("inference-events");
            for (String uc : USE_CASES) {
                List<String> expected = new ArrayList<>();
                for (int i = 1; i <= 1_100; i++) {
                    expected.add(uc + "-" + String.format("%06d", i));
                }
                assertThat(byKey.get(uc)).as(uc).containsExactlyElementsOf(expected);
            }
        } finally {
            CloseReport report = tracker.close(Duration.ofSeconds(30));
            assertThat(report.complete()).isTrue();
        }
    }

    @Test
    void withTheSpoolAnOutageLongerThanTheQueueHoldsLosesNothingAndACloseDuringOneKeepsItsEventsForTheNextTracker(
            @TempDir Path spoolDir) throws Exception {
        // A queue of 1,000 holds one second at 1,000 events/s: the rest of the outage must go to disk
        PaybackTracker.Builder builder = PaybackTracker.builder().bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.confluentApiUrl()).topic(SPOOL_TOPIC).queueCapacity(1_000)
                .spoolDirectory(spoolDir);
        PaybackTracker tracker = builder.build();
        Map<String, Integer> seq = new LinkedHashMap<>();
        USE_CASES.forEach(uc -> seq.put(uc, 0));
        boolean brokerDown = false;
        int atClose;
        try {
            // Given 300 events delivered with the broker up
            recordRound(tracker, seq, 100);
            await().atMost(60, TimeUnit.SECONDS).until(() -> tracker.metrics().sent() == 300);

            // When the broker is away for OUTAGE_SECONDS while events arrive at 1,000/s
            broker.close();
            brokerDown = true;
            int during = recordPaced(tracker, seq, OUTAGE_SECONDS);
            // Then every one goes through the disk (the queue held a second's worth), none is dropped
            await().atMost(10, TimeUnit.SECONDS).until(() -> tracker.metrics().spooled() == 300 + during);
            assertThat(tracker.metrics().droppedTotal()).isZero();
            broker.start();
            brokerDown = false;

            // And all are delivered once it is back
            await().atMost(3, TimeUnit.MINUTES).until(() -> tracker.metrics().sent() == 300 + during);
            assertThat(tracker.metrics().droppedTotal()).isZero();
            await().atMost(30, TimeUnit.SECONDS).until(() -> tracker.metrics().spoolDepth() == 0);

            // When the broker goes away again and the tracker is closed while 3 s of events wait (in the producer, on
            // disk or in the queue)
            broker.close();
            brokerDown = true;
            atClose = recordPaced(tracker, seq, 3);
            CloseReport report = tracker.close(Duration.ofSeconds(2));

            // Then none is lost: all are in the spool
            assertThat(report.undelivered()).isZero();
            assertThat(report.spooled()).isEqualTo(atClose);
        } finally {
            tracker.close(Duration.ofSeconds(1));
            if (brokerDown) {
                broker.start();
            }
        }

        // When a tracker starts on the same spool with the broker back, and records one more event per use case
        PaybackTracker next = builder.build();
        try {
            recordRound(next, seq, 1);
            await().atMost(2, TimeUnit.MINUTES).until(() -> next.metrics().sent() == atClose + 3);
        } finally {
            assertThat(next.close(Duration.ofSeconds(30)).complete()).isTrue();
        }

        // Then the topic holds every event once, in the order recorded per use case
        Map<String, List<String>> byKey = readAll(SPOOL_TOPIC);
        for (String uc : USE_CASES) {
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= seq.get(uc); i++) {
                expected.add(uc + "-" + String.format("%06d", i));
            }
            assertThat(byKey.get(uc)).as(uc).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Records events at 1,000 per second, spread over the use cases, for {@code seconds}; returns how many. Each call
     * must be accepted (the spool keeps the queue from filling) and return in under 200 ms: a call that waited for
     * the broker would take at least max.block.ms (250 ms); a GC pause or the scheduler on this shared machine can
     * take tens of milliseconds.
     */
    private static int recordPaced(PaybackTracker tracker, Map<String, Integer> seq, int seconds) throws InterruptedException {
        long start = System.nanoTime();
        int n = 0;
        while (true) {
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (elapsedMs >= seconds * 1_000L) {
                return n;
            }
            while (n < elapsedMs) {
                String uc = USE_CASES.get(n % USE_CASES.size());
                InferenceEvent event = event(uc, seq.merge(uc, 1, Integer::sum));
                long callStart = System.nanoTime();
                assertThat(tracker.record(event)).as("event %d accepted", n).isTrue();
                assertThat(System.nanoTime() - callStart).as("record() ns").isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
                n++;
            }
            Thread.sleep(1);
        }
    }

    /** {@code perUseCase} events for each use case, interleaved; returns the slowest record() call in nanoseconds. */
    private static long recordRound(PaybackTracker tracker, Map<String, Integer> seq, int perUseCase) {
        long slowest = 0;
        for (int i = 0; i < perUseCase; i++) {
            for (String uc : USE_CASES) {
                int n = seq.merge(uc, 1, Integer::sum);
                InferenceEvent event = event(uc, n);
                long start = System.nanoTime();
                assertThat(tracker.record(event)).isTrue();
                slowest = Math.max(slowest, System.nanoTime() - start);
            }
        }
        return slowest;
    }

    /** Every event id on the topic, by key, in partition order. */
    private static Map<String, List<String>> readAll(String topic) {
        AvroDeserializer<InferenceEvent> events = new AvroDeserializer<>(
                new HttpSchemaRegistryClient(registry.confluentApiUrl()), InferenceEvent.class);
        Map<String, List<String>> byKey = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : TopicContents.read(broker.bootstrapServers(), topic, false)) {
            byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(events.deserialize(r.topic(), r.value()).getEventId());
        }
        return byKey;
    }
}
