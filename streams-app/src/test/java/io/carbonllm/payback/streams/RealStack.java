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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real broker (KRaft, with the standard 1 h limit on timestamps ahead of the clock) and the real registry, with
 * what the fault tests do to them: create the app's topics, publish the definitions of {@link CrashTraffic}, send its
 * records, and read how far the app has committed.
 */
final class RealStack implements AutoCloseable {

    static final int PARTITIONS = 3;

    final EmbeddedKafkaBroker broker;
    final ApicurioRegistry registry;
    private final Path dir;

    RealStack(Path dir) {
        this.dir = dir;
        this.broker = new EmbeddedKafkaBroker(Ports.findFree(), Ports.findFree(), dir.resolve("kafka"))
                .withStandardTimestampLimit().start();
        this.registry = ApicurioRegistry.inMemory(Ports.findFree(), dir.resolve("registry")).start();
    }

    /** {@code appConfig} on this stack: data under the test directory, 3 partitions, a short session timeout. */
    Map<String, Object> appConfig(Map<String, Object> appConfig) {
        Map<String, Object> config = new HashMap<>(appConfig);
        String appId = (String) config.get(PaybackStreamsConfig.APPLICATION_ID_CONFIG);
        config.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.confluentApiUrl());
        config.put(PaybackStreamsConfig.DATA_DIR_CONFIG, dir.resolve(appId).toString());
        config.put(PaybackStreamsConfig.TOPIC_PARTITIONS_CONFIG, PARTITIONS);
        config.putIfAbsent(io.carbonllm.payback.streams.config.ApiConfig.PORT_CONFIG, 0); // a free port: tests run side by side
        // A killed member sends no LeaveGroup: its partitions move once its session expires (the broker's minimum)
        config.put("session.timeout.ms", 6_000);
        config.put("heartbeat.interval.ms", 1_000);
        return config;
    }

    Path stateDir(String appId) {
        return dir.resolve(appId);
    }

    /** The app's topics, created as the app creates them, so that definitions are in place before it reads events. */
    Topics createTopics(Map<String, Object> config) {
        PaybackStreamsConfig typed = new PaybackStreamsConfig(config);
        Topics topics = Topics.from(typed, new HttpSchemaRegistryClient(registry.confluentApiUrl()));
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            TopicProvisioner.createMissing(admin, topics.externalTopicNames(), topics.compactedTopicNames(), PARTITIONS,
                    (short) 1);
        }
        return topics;
    }

    void publishDefinitions() throws Exception {
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

    /**
     * Sends the records in order, {@code perBurst} at a time with a pause between bursts, with an idempotent producer
     * that retries through a broker outage. Keyed records go to their use case's partition (the default partitioner
     * would put them there too); records without a key go there as well, as a gateway that partitions by use case
     * sends them, or, with {@code spreadUnkeyed}, to a partition of their own (picked from the event id), as a producer
     * without a key spreads them.
     */
    void send(List<CrashTraffic.Send> sends, int perBurst, long pauseMs, boolean spreadUnkeyed) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000);
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.confluentApiUrl());
        AvroSerializer<InferenceEvent> serializer = new AvroSerializer<>(client, false);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            int sent = 0;
            for (CrashTraffic.Send send : sends) {
                int partition = spreadUnkeyed && send.key() == null && send.event() != null
                        ? Math.floorMod(send.event().getEventId().hashCode(), PARTITIONS)
                        : UseCasePartitioner.partitionOf(send.useCase(), PARTITIONS);
                byte[] value = send.bytes(client, serializer);
                byte[] key = send.key() == null ? null : send.key().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>("inference-events", partition, null, key, value));
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

    /** Input records whose offsets the app has committed (processed, under exactly-once), over all partitions. */
    long committedInput(String appId) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return committed.entrySet().stream().filter(e -> e.getKey().topic().equals("inference-events"))
                    .filter(e -> e.getValue() != null).mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    /** Waits until the app has reached RUNNING {@code times} times in all (restarts share one log). */
    void awaitRunning(StreamsChild app, int times) {
        await().atMost(2, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(200))
                .until(() -> app.runningTransitions() >= times || !app.isAlive());
        assertThat(app.isAlive()).as("the app started:\n" + app.tail(40)).isTrue();
    }

    /** Waits until the app has committed every input record. */
    void awaitAllRead(StreamsChild app, String appId, int records) {
        await().atMost(3, TimeUnit.MINUTES).pollInterval(Duration.ofSeconds(1))
                .until(() -> committedInput(appId) == records || !app.isAlive());
        assertThat(app.isAlive()).as("the app is still running:\n" + app.tail(40)).isTrue();
    }

    /**
     * Waits up to two minutes for what the app published to equal the reference (the last windows close on the
     * ledger refresh after the last record), then asserts it, listing every difference.
     */
    void awaitSameAs(OutputSnapshot reference, Map<String, Object> config, Topics topics, String context)
            throws InterruptedException {
        PaybackStreamsConfig typed = new PaybackStreamsConfig(config);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<String> differences = reference.differences(Outputs.fromBroker(typed, topics));
        while (!differences.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(3_000);
            differences = reference.differences(Outputs.fromBroker(typed, topics));
        }
        assertThat(differences).as(context).isEmpty();
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

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
