package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.topics.TopicProvisioner;
import io.carbonllm.payback.streams.topics.Topics;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly once, proven with crashes: the streams app runs as a child JVM on the real broker and registry and is
 * killed with SIGKILL at seeded points while traffic flows, restarted on its state directory, or on a wiped one.
 * At the end, what it published (read_committed) equals what TopologyTestDriver publishes for the same input:
 * the last revision of every variant and comparison window, every ledger's last status, every ledger's exact
 * sequence of alert transitions, and the dead-letter count. Kafka Streams' dropped-records counts exactly the records
 * each process sent to the DLQ (its handlers resume past them): nothing else is dropped.
 *
 * <p>The seed is {@code -Dcrash.seed} (default below); a failure prints it.
 */
class CrashIT {

    private static final Logger log = LoggerFactory.getLogger(CrashIT.class);
    private static final long SEED = Long.getLong("crash.seed", 20261127L);
    /** Event time near now: the broker's retention deletes records stamped further back than 7 days. */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(50));
    private static final int PARTITIONS = 3;

    @TempDir
    static Path dir;
    private static EmbeddedKafkaBroker broker;
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startStack() {
        broker = new EmbeddedKafkaBroker(Ports.findFree(), Ports.findFree(), dir.resolve("kafka")).start();
        registry = ApicurioRegistry.inMemory(Ports.findFree(), dir.resolve("registry")).start();
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

    /**
     * 60 s windows with 120 s grace; tasks: 20 s gap, 60 s grace; the ledger refreshes every second. The same
     * values drive the reference.
     */
    static Map<String, Object> appConfig(String appId) {
        Map<String, Object> config = new HashMap<>();
        config.put(PaybackStreamsConfig.WINDOW_SIZE_MS_CONFIG, 60_000L);
        config.put(PaybackStreamsConfig.WINDOW_GRACE_MS_CONFIG, 120_000L);
        config.put(PaybackStreamsConfig.TASK_GAP_MS_CONFIG, 20_000L);
        config.put(PaybackStreamsConfig.TASK_GRACE_MS_CONFIG, 60_000L);
        config.put(PaybackStreamsConfig.LEDGER_REFRESH_MS_CONFIG, 1_000L);
        config.put(PaybackStreamsConfig.APPLICATION_ID_CONFIG, appId);
        return config;
    }

    private static Map<String, Object> brokerConfig(String appId) {
        Map<String, Object> config = appConfig(appId);
        config.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.confluentApiUrl());
        config.put(PaybackStreamsConfig.DATA_DIR_CONFIG, dir.resolve(appId).toString());
        config.put(PaybackStreamsConfig.TOPIC_PARTITIONS_CONFIG, PARTITIONS);
        // A killed member leaves no LeaveGroup: its partitions move once its session expires (the broker's minimum)
        config.put("session.timeout.ms", 6_000);
        config.put("heartbeat.interval.ms", 1_000);
        return config;
    }

    @Test
    void anAppKilledAtSeededPointsPublishesWhatAnUninterruptedReferenceDoes() throws Exception {
        log.info("CrashIT seed {} (rerun with -Dcrash.seed={})", SEED, SEED);
        List<CrashTraffic.Send> sends = CrashTraffic.generate(SEED, T0, 30, 8);
        // Given the reference: the same input through TopologyTestDriver
        OutputSnapshot reference = Outputs.reference(dir.resolve("reference"), appConfig("reference"), sends);
        log.info("Reference for {} records: {}", sends.size(), reference);
        assertThat(reference.alertTransitionCount()).as("the traffic fires and resolves alerts").isGreaterThanOrEqualTo(4);
        assertThat(reference.deadLetters()).as("the traffic has invalid events").isPositive();

        String appId = "crash";
        Map<String, Object> config = brokerConfig(appId);
        PaybackStreamsConfig typed = new PaybackStreamsConfig(config);
        Topics topics = Topics.from(typed, new HttpSchemaRegistryClient(registry.confluentApiUrl()));
        // The topics as the app creates them, so the definitions are in place before the app first reads events
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            TopicProvisioner.createMissing(admin, topics.externalTopicNames(), topics.compactedTopicNames(), PARTITIONS,
                    (short) 1);
        }
        publishDefinitions();
        Random random = new Random(SEED);
        int jmxPort = Ports.findFree();
        StreamsChild app = StreamsChild.start(config, dir.resolve("child"), jmxPort);
        try {
            awaitRunning(app, 1);
            // When traffic flows at about 50 records/s, and the app is killed each time it has committed a seeded
            // share of the input (about a quarter, a half, four fifths), while records are still arriving
            Thread producer = new Thread(() -> send(sends, 10, 200), "crash-it-producer");
            producer.start();
            double[] shares = {0.2 + 0.1 * random.nextDouble(), 0.5 + 0.1 * random.nextDouble(), 0.75 + 0.1 * random.nextDouble()};
            for (int crash = 1; crash <= shares.length; crash++) {
                long threshold = Math.round(sends.size() * shares[crash - 1]);
                StreamsChild running = app;
                await().atMost(3, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(100))
                        .until(() -> committedInput(appId) >= threshold || !running.isAlive());
                assertThat(app.isAlive()).as("the app is running before crash " + crash + ":\n" + app.tail(40)).isTrue();
                assertThat(app.droppedOutsideTheDlq()).as("dropped-records outside the DLQ before crash " + crash).isZero();
                app.kill();
                long processed = committedInput(appId);
                boolean wipe = crash == 2;
                log.info("Crash {}: killed with {} of {} input records committed{}", crash, processed, sends.size(),
                        wipe ? "; wiping its state directory" : "");
                if (wipe) {
                    deleteRecursively(dir.resolve(appId));
                }
                app = StreamsChild.start(config, dir.resolve("child"), jmxPort);
                awaitRunning(app, crash + 1);
            }
            producer.join(TimeUnit.MINUTES.toMillis(3));

            // Then once the app has read everything, it has published what the reference did
            StreamsChild last = app;
            await().atMost(3, TimeUnit.MINUTES).pollInterval(Duration.ofSeconds(2))
                    .until(() -> committedInput(appId) == sends.size() + 0L || !last.isAlive());
            assertThat(app.isAlive()).as("the app is still running:\n" + app.tail(40)).isTrue();
            List<String> differences = await().atMost(2, TimeUnit.MINUTES).pollInterval(Duration.ofSeconds(3))
                    .until(() -> reference.differences(Outputs.fromBroker(typed, topics)), List::isEmpty);
            assertThat(differences).as("seed " + SEED).isEmpty();
            assertThat(app.droppedOutsideTheDlq()).as("dropped-records outside the DLQ at the end").isZero();
        } finally {
            app.close();
        }
    }

    private static void awaitRunning(StreamsChild app, int times) {
        await().atMost(2, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(200))
                .until(() -> app.runningTransitions() >= times || !app.isAlive());
        assertThat(app.isAlive()).as("the app started:\n" + app.tail(40)).isTrue();
    }

    /**
     * Sends every record, keyed as generated; records without a key go to their use case's partition, as a gateway
     * that partitions by use case would send them.
     */
    private static void send(List<CrashTraffic.Send> sends, int perBurst, long pauseMs) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.confluentApiUrl());
        try (KafkaProducer<String, InferenceEvent> producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroSerializer<>(client, false))) {
            int sent = 0;
            for (CrashTraffic.Send send : sends) {
                int partition = UseCasePartitioner.partitionOf(send.event().getUseCase(), PARTITIONS);
                producer.send(new ProducerRecord<>("inference-events", partition, null, send.key(), send.event()));
                if (++sent % perBurst == 0) {
                    producer.flush();
                    Thread.sleep(pauseMs);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void publishDefinitions() throws Exception {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.confluentApiUrl());
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, ComparisonDefinition> comparisons = new KafkaProducer<>(props, new StringSerializer(),
                new AvroSerializer<>(client, false));
             KafkaProducer<String, TrainingRun> runs = new KafkaProducer<>(props, new StringSerializer(),
                     new AvroSerializer<>(client, false))) {
            for (ComparisonDefinition c : CrashTraffic.comparisons()) {
                comparisons.send(new ProducerRecord<>("comparisons", c.getComparisonId(), c)).get(30, TimeUnit.SECONDS);
            }
            for (TrainingRun r : CrashTraffic.runs()) {
                runs.send(new ProducerRecord<>("training-runs", r.getRunId(), r)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Input records whose offsets the app has committed (processed, under exactly-once), over all partitions. */
    static long committedInput(String appId) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return committed.entrySet().stream().filter(e -> e.getKey().topic().equals("inference-events"))
                    .filter(e -> e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
