package io.carbonllm.payback.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.streams.PaybackStreamsRunner;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.dlq.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on real parts: the in-process KRaft broker, the Apicurio Registry child process, the production
 * streams runner (exactly_once_v2) and the producer SDK. Known events in, hand-computed windows out; poison in,
 * dead letters out.
 */
class DemoPipelineIT {

    /**
     * Two hours before the test, on the hour. Not a fixed date: output records carry event time, and the broker's
     * time-based retention (7 days by default, checked 30 s after it starts) deletes records stamped further back,
     * even from the active segment, before the test could read them.
     */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
    private static final String UC = "uc-e2e";
    private static final String OTHER_UC = "uc-other";
    private static final String BIG = "big-model";
    private static final String SMALL = "small-model";

    @TempDir
    static Path dataDir;
    private static EmbeddedKafkaBroker broker;
    private static ApicurioRegistry registry;
    private static PaybackStreamsRunner runner;
    private static PaybackStreamsConfig config;

    @BeforeAll
    static void startStack() throws Exception {
        broker = new EmbeddedKafkaBroker(Ports.findFree(), Ports.findFree(), dataDir.resolve("kafka")).start();
        registry = ApicurioRegistry.inMemory(Ports.findFree(), dataDir.resolve("registry")).start();
        Map<String, Object> props = new HashMap<>();
        props.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.confluentApiUrl());
        props.put(PaybackStreamsConfig.DATA_DIR_CONFIG, dataDir.toString());
        props.put(PaybackStreamsConfig.TOPIC_PARTITIONS_CONFIG, 3);
        props.put(io.carbonllm.payback.streams.config.ApiConfig.PORT_CONFIG, 0);
        config = new PaybackStreamsConfig(props);
        runner = new PaybackStreamsRunner(config).start();
        assertThat(runner.awaitRunning(Duration.ofSeconds(120))).as("streams app RUNNING").isTrue();
    }

    @AfterAll
    static void stopStack() {
        if (runner != null) {
            runner.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void knownEventsGiveHandComputedWindowsAndPoisonGoesToTheDlq() throws Exception {
        // Given known events published through the SDK, in event time from T0 (windows of 60 s, grace 30 s)
        try (PaybackTracker publisher = PaybackTracker.builder()
                .bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.confluentApiUrl())
                .build()) {
            // window [T0, T0+60s) of uc-e2e
            publish(publisher, UC, BIG, 1, 2000, 500, 300, true);
            publish(publisher, UC, BIG, 2, 2200, 0, 250, false);
            publish(publisher, UC, BIG, 3, 1800, 0, 350, true);
            publish(publisher, UC, SMALL, 4, 400, 0, 200, true);
            publish(publisher, UC, SMALL, 5, 500, 0, 250, true);
            publish(publisher, UC, SMALL, 6, 450, 0, 150, false);
            publish(publisher, UC, SMALL, 7, 350, 0, 100, true);
            // window [T0+60s, T0+120s) of uc-e2e
            publish(publisher, UC, BIG, 61, 1000, 0, 100, false);
            publish(publisher, UC, SMALL, 62, 600, 0, 300, true);
            // another use case, window [T0, T0+60s)
            publish(publisher, OTHER_UC, SMALL, 10, 100, 0, 10, true);
        }
        // And poison written as raw bytes, then one more good event after it, on the same partition (same use case)
        sendPoison();
        try (PaybackTracker publisher = PaybackTracker.builder()
                .bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.confluentApiUrl())
                .build()) {
            publish(publisher, UC, SMALL, 63, 200, 0, 50, true);   // window [T0+60s, T0+120s), after the poison
        }

        // When the app has processed them, Then the latest result of each window is exactly:
        //   uc-e2e  big   [0,60):  3 requests, 2 ok; input 2000+2200+1800 = 6000, cached 500, output 300+250+350 = 900
        //                          tokens/ok = 6900/2 = 3450; input/ok = 3000; output/ok = 450; success 2/3
        //   uc-e2e  small [0,60):  4 requests, 3 ok; input 400+500+450+350 = 1700, output 200+250+150+100 = 700
        //                          tokens/ok = 2400/3 = 800; input/ok = 566.67; output/ok = 233.33; success 3/4
        //   uc-e2e  big   [60,120): 1 request, 0 ok; input 1000, output 100; per-task figures null; success 0
        //   uc-e2e  small [60,120): 2 requests (one sent after the poison), 2 ok; input 600+200 = 800,
        //                          output 300+50 = 350; tokens/ok = 1150/2 = 575; success 1
        //   uc-other small [0,60): 1 request, 1 ok; input 100, output 10; tokens/ok = 110
        Map<String, VariantWindow> latest = readWindowsUntil(5, Duration.ofSeconds(90));
        assertThat(latest).containsOnlyKeys(key(UC, BIG, 0), key(UC, SMALL, 0), key(UC, BIG, 60), key(UC, SMALL, 60),
                key(OTHER_UC, SMALL, 0));

        VariantWindow big0 = latest.get(key(UC, BIG, 0));
        assertCounts(big0, 3, 2, 1, 6000, 500, 900);
        assertThat(big0.getTokensPerSuccessfulTask()).isEqualTo(3450.0);
        assertThat(big0.getInputTokensPerSuccessfulTask()).isEqualTo(3000.0);
        assertThat(big0.getOutputTokensPerSuccessfulTask()).isEqualTo(450.0);
        assertThat(big0.getSuccessRate()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(big0.getWindowStart()).isEqualTo(T0);
        assertThat(big0.getWindowEnd()).isEqualTo(T0.plusSeconds(60));

        VariantWindow small0 = latest.get(key(UC, SMALL, 0));
        assertCounts(small0, 4, 3, 1, 1700, 0, 700);
        assertThat(small0.getTokensPerSuccessfulTask()).isEqualTo(800.0);
        assertThat(small0.getInputTokensPerSuccessfulTask()).isCloseTo(566.6667, within(1e-4));
        assertThat(small0.getOutputTokensPerSuccessfulTask()).isCloseTo(233.3333, within(1e-4));
        assertThat(small0.getSuccessRate()).isEqualTo(0.75);

        VariantWindow big60 = latest.get(key(UC, BIG, 60));
        assertCounts(big60, 1, 0, 1, 1000, 0, 100);
        assertThat(big60.getTokensPerSuccessfulTask()).isNull();
        assertThat(big60.getSuccessRate()).isEqualTo(0.0);

        VariantWindow small60 = latest.get(key(UC, SMALL, 60));
        assertCounts(small60, 2, 2, 0, 800, 0, 350);
        assertThat(small60.getTokensPerSuccessfulTask()).isEqualTo(575.0);

        VariantWindow other = latest.get(key(OTHER_UC, SMALL, 0));
        assertCounts(other, 1, 1, 0, 100, 0, 10);
        assertThat(other.getTokensPerSuccessfulTask()).isEqualTo(110.0);

        // And the three poison records are in the DLQ, with their reasons and source topic
        List<ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(3, Duration.ofSeconds(60));
        List<String> reasons = dead.stream().map(r -> header(r, DeadLetters.REASON)).toList();
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("Unknown magic byte 0x67"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("Unknown schema id 2000000000"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("outputTokens -3 is negative"));
        assertThat(dead).allSatisfy(r -> assertThat(header(r, DeadLetters.SOURCE_TOPIC)).isEqualTo("inference-events"));
        assertThat(dead).extracting(ConsumerRecord::value)
                .anySatisfy(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("garbage, not avro"));
    }

    @Test
    void garbageInAGlobalTopicIsSkippedAndTheAppKeepsRunning() throws Exception {
        // Given unreadable records in the topics read as global tables
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String topic : List.of(config.comparisonsTopic(), config.trainingRunsTopic(), config.factorsTopic())) {
                producer.send(new ProducerRecord<>(topic, "bad".getBytes(StandardCharsets.UTF_8),
                        "not a definition".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
        // When a good event follows
        try (PaybackTracker publisher = PaybackTracker.builder()
                .bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.confluentApiUrl())
                .build()) {
            publish(publisher, "uc-global-garbage", SMALL, 30, 10, 0, 5, true);
        }
        // Then its window is published, and the app is still running
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean seen = false;
        AvroDeserializer<VariantWindow> deserializer =
                new AvroDeserializer<>(new HttpSchemaRegistryClient(registry.confluentApiUrl()), VariantWindow.class);
        try (KafkaConsumer<String, byte[]> consumer = consumer(new StringDeserializer())) {
            consumer.subscribe(List.of(config.variantWindowsTopic()));
            while (!seen && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    seen |= deserializer.deserialize(record.topic(), record.value()).getUseCase().equals("uc-global-garbage");
                }
            }
        }
        assertThat(seen).as("window of the event after the garbage").isTrue();
        assertThat(runner.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
    }

    private static void publish(PaybackTracker publisher, String useCase, String model, int second, long in,
                                long cached, long out, boolean success) throws Exception {
        assertThat(publisher.record(event(useCase, model, second, in, cached, out, success))).isTrue();
    }

    private static InferenceEvent event(String useCase, String model, int second, long in, long cached, long out,
                                        boolean success) {
        return InferenceEvent.newBuilder()
                .setEventId(useCase + "-" + model + "-" + second)
                .setEventTime(T0.plusSeconds(second))
                .setGateway("it-gateway")
                .setUseCase(useCase)
                .setModelId(model)
                .setInputTokens(in)
                .setCachedInputTokens(cached)
                .setOutputTokens(out)
                .setSuccess(success)
                .build();
    }

    private static void sendPoison() throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        byte[] key = UC.getBytes(StandardCharsets.UTF_8);
        byte[] negative = new AvroSerializer<InferenceEvent>(new HttpSchemaRegistryClient(registry.confluentApiUrl()), false)
                .serialize(config.inferenceEventsTopic(), event(UC, SMALL, 8, 10, 0, -3, true));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.inferenceEventsTopic(), key,
                    "garbage, not avro".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(config.inferenceEventsTopic(), key,
                    new byte[] {0, 0x77, 0x35, (byte) 0x94, 0x00, 2, 'x'})).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(config.inferenceEventsTopic(), key, negative)).get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<String, VariantWindow> readWindowsUntil(int expectedKeys, Duration timeout) {
        AvroDeserializer<VariantWindow> deserializer =
                new AvroDeserializer<>(new HttpSchemaRegistryClient(registry.confluentApiUrl()), VariantWindow.class);
        Map<String, VariantWindow> latest = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumer(new StringDeserializer())) {
            consumer.subscribe(List.of(config.variantWindowsTopic()));
            // Read until every window is there and its last revision counts every request sent to it (10 + 1 = 11).
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    VariantWindow window = deserializer.deserialize(record.topic(), record.value());
                    assertThat(record.key()).isEqualTo(window.getUseCase());
                    if (!window.getUseCase().equals(UC) && !window.getUseCase().equals(OTHER_UC)) {
                        continue; // another test's use case
                    }
                    latest.put(key(window.getUseCase(), window.getModelId(),
                            window.getWindowStart().getEpochSecond() - T0.getEpochSecond()), window);
                }
                long requests = latest.values().stream().mapToLong(VariantWindow::getRequests).sum();
                if (latest.size() >= expectedKeys && requests >= 11) {
                    return latest;
                }
            }
        }
        return latest;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters(int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.dlqTopic()));
            while (System.nanoTime() < deadline && dead.size() < expected) {
                consumer.poll(Duration.ofMillis(500)).forEach(dead::add);
            }
        }
        assertThat(dead).hasSize(expected);
        return dead;
    }

    private static <K> KafkaConsumer<K, byte[]> consumer(org.apache.kafka.common.serialization.Deserializer<K> keys) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, keys, new ByteArrayDeserializer());
    }

    private static void assertCounts(VariantWindow w, long requests, long successes, long failures, long input,
                                     long cached, long output) {
        assertThat(w.getRequests()).as("requests").isEqualTo(requests);
        assertThat(w.getSuccesses()).as("successes").isEqualTo(successes);
        assertThat(w.getFailures()).as("failures").isEqualTo(failures);
        assertThat(w.getInputTokens()).as("input tokens").isEqualTo(input);
        assertThat(w.getCachedInputTokens()).as("cached input tokens").isEqualTo(cached);
        assertThat(w.getOutputTokens()).as("output tokens").isEqualTo(output);
    }

    private static String key(String useCase, String model, long windowStartSecond) {
        return useCase + "|" + model + "|" + windowStartSecond;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        var header = record.headers().lastHeader(key);
        assertThat(header).as("header %s", key).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
