package io.carbonllm.payback.streams.topics;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerde;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics and serdes of the app, built once from config and a registry client and passed to the topology.
 *
 * <p>Input and output topics are keyed by use case (a string), so that everything about one use case lands on the
 * same partition number, whichever topic it is in.
 */
public record Topics(
        Topic<String, InferenceEvent> inferenceEvents,
        Topic<String, VariantWindow> variantWindows,
        Topic<byte[], byte[]> deadLetters,
        Serde<VariantKey> variantKeySerde,
        Serde<VariantStats> variantStatsSerde) {

    public static Topics from(PaybackStreamsConfig config, SchemaRegistryClient registry) {
        return new Topics(
                new Topic<>(config.inferenceEventsTopic(), Serdes.String(), AvroSerde.forValues(registry, InferenceEvent.class)),
                new Topic<>(config.variantWindowsTopic(), Serdes.String(), AvroSerde.forValues(registry, VariantWindow.class)),
                new Topic<>(config.dlqTopic(), Serdes.ByteArray(), Serdes.ByteArray()),
                AvroSerde.forKeys(registry, VariantKey.class),
                AvroSerde.forValues(registry, VariantStats.class));
    }

    /**
     * Every subject this app writes, with its schema: the output topic and the internal repartition and changelog
     * topics (named from the application id and the operator and store names). The runner registers them at
     * start-up, so an incompatible change fails before processing, not on the first record.
     */
    public java.util.Map<String, org.apache.avro.Schema> writtenSubjects(String applicationId) {
        String repartition = applicationId + "-" + io.carbonllm.payback.streams.PaybackTopology.BY_USE_CASE + "-repartition";
        String changelog = applicationId + "-" + io.carbonllm.payback.streams.state.StoreNames.VARIANT_WINDOWS + "-changelog";
        java.util.Map<String, org.apache.avro.Schema> subjects = new java.util.LinkedHashMap<>();
        subjects.put(variantWindows.name() + "-value", VariantWindow.getClassSchema());
        subjects.put(repartition + "-key", VariantKey.getClassSchema());
        subjects.put(repartition + "-value", InferenceEvent.getClassSchema());
        subjects.put(changelog + "-key", VariantKey.getClassSchema());
        subjects.put(changelog + "-value", VariantStats.getClassSchema());
        return subjects;
    }

    /** The topics this app reads or writes that are not internal to Kafka Streams. */
    public List<String> externalTopicNames() {
        return List.of(inferenceEvents.name(), variantWindows.name(), deadLetters.name());
    }
}
