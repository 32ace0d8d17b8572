package io.carbonllm.payback.streams;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.metrics.PaybackMetrics;
import io.carbonllm.payback.streams.state.Definitions;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;

/** The production topology and config in a TopologyTestDriver, with an in-memory registry client. */
final class TopologyFixture implements AutoCloseable {

    static final String USE_CASE = "support-summarize";
    static final String BASELINE = "llama-3.1-70b-instruct";
    static final String FINE_TUNE = "llama-3.1-8b-support-ft";

    /** Fixture option (not an app key): the input topic's partition count the app is told; 1 by default. */
    static final String INPUT_PARTITIONS = "test.input.partitions";

    final PaybackStreamsConfig config;
    final Topics topics;
    final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    final PaybackMetrics metrics = new PaybackMetrics();
    final TopologyTestDriver driver;
    final TestInputTopic<String, InferenceEvent> events;
    final TestInputTopic<byte[], byte[]> rawEvents;
    final TestOutputTopic<String, VariantWindow> variantWindows;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final TestInputTopic<String, ComparisonDefinition> comparisons;
    final TestInputTopic<String, TrainingRun> trainingRuns;
    final TestInputTopic<String, FactorUpdate> factors;
    final TestOutputTopic<String, ComparisonWindow> comparisonWindows;
    final TestOutputTopic<String, PaybackStatus> paybackStatus;
    final TestOutputTopic<String, PaybackAlert> paybackAlerts;
    private int eventSeq;

    TopologyFixture(Path stateDir) {
        this(stateDir, Map.of());
    }

    TopologyFixture(Path stateDir, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://unused:8081");
        props.put(PaybackStreamsConfig.DATA_DIR_CONFIG, stateDir.toString());
        // Every revision applied as it comes, so a scenario reads the engine's output right after its input; the
        // production interval (marks applied every payback.engine.apply.ms) is checked against this mode by
        // EngineApplyIntervalTest, and end to end by CrashIT
        props.put(PaybackStreamsConfig.ENGINE_APPLY_MS_CONFIG, 0L);
        props.putAll(overrides);
        // The test driver reads every topic as one partition, 0; a larger count makes use cases hashed elsewhere
        // misrouted under payback.input.partitioning=use-case
        int inputPartitions = ((Number) props.getOrDefault(INPUT_PARTITIONS, 1)).intValue();
        props.remove(INPUT_PARTITIONS);
        config = new PaybackStreamsConfig(props);
        topics = Topics.from(config, registry);
        Properties streamsProps = config.streamsProperties();
        streamsProps.put(PaybackMetrics.INSTANCE_CONFIG, metrics);
        PaybackTopology topology = new PaybackTopology(config, topics, new Definitions(), metrics);
        topology.inputPartitions().set(inputPartitions);
        driver = new TopologyTestDriver(topology.build(),
                streamsProps, Instant.EPOCH);
        events = driver.createInputTopic(config.inferenceEventsTopic(), new StringSerializer(),
                topics.inferenceEvents().valueSerde().serializer());
        rawEvents = driver.createInputTopic(config.inferenceEventsTopic(), new ByteArraySerializer(),
                new ByteArraySerializer());
        variantWindows = driver.createOutputTopic(config.variantWindowsTopic(), new StringDeserializer(),
                topics.variantWindows().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(config.dlqTopic(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        comparisons = driver.createInputTopic(config.comparisonsTopic(), new StringSerializer(),
                topics.comparisons().valueSerde().serializer());
        trainingRuns = driver.createInputTopic(config.trainingRunsTopic(), new StringSerializer(),
                topics.trainingRuns().valueSerde().serializer());
        factors = driver.createInputTopic(config.factorsTopic(), new StringSerializer(),
                topics.factors().valueSerde().serializer());
        comparisonWindows = driver.createOutputTopic(config.comparisonWindowsTopic(), new StringDeserializer(),
                topics.comparisonWindows().valueSerde().deserializer());
        paybackStatus = driver.createOutputTopic(config.paybackStatusTopic(), new StringDeserializer(),
                topics.paybackStatus().valueSerde().deserializer());
        paybackAlerts = driver.createOutputTopic(config.paybackAlertsTopic(), new StringDeserializer(),
                topics.paybackAlerts().valueSerde().deserializer());
    }

    /** A valid event at {@code epochMillis} of event time. */
    InferenceEvent event(String model, long epochMillis, long in, long out, boolean success) {
        return InferenceEvent.newBuilder()
                .setEventId("evt-" + (++eventSeq))
                .setEventTime(Instant.ofEpochMilli(epochMillis))
                .setGateway("gw-test")
                .setUseCase(USE_CASE)
                .setModelId(model)
                .setInputTokens(in)
                .setOutputTokens(out)
                .setSuccess(success)
                .setErrorType(success ? null : "validation")
                .build();
    }

    void pipe(InferenceEvent event) {
        events.pipeInput(event.getUseCase(), event);
    }

    /** The window store's value for (model, window start), or null. */
    VariantStats storedWindow(String model, long windowStartMillis) {
        return storedWindow(USE_CASE, model, windowStartMillis);
    }

    /** The window store's value for (use case, model, window start), or null. */
    VariantStats storedWindow(String useCase, String model, long windowStartMillis) {
        WindowStore<VariantKey, ValueAndTimestamp<VariantStats>> store =
                driver.getTimestampedWindowStore(StoreNames.VARIANT_WINDOWS);
        ValueAndTimestamp<VariantStats> value = store.fetch(new VariantKey(useCase, model), windowStartMillis);
        return value == null ? null : value.value();
    }

    @Override
    public void close() {
        driver.close();
    }
}
