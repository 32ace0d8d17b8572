package io.carbonllm.payback.streams.topics;

import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TaskKey;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerde;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.state.StoreNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics and serdes of the app, built once from config and a registry client and passed to the topology.
 *
 * <p>Inference input and variant output are keyed by use case (a string), so that everything about one use case lands
 * on the same partition number, whichever topic it is in.
 */
public record Topics(
        Topic<String, InferenceEvent> inferenceEvents,
        Topic<String, VariantWindow> variantWindows,
        Topic<byte[], byte[]> deadLetters,
        Topic<String, ComparisonDefinition> comparisons,
        Topic<String, TrainingRun> trainingRuns,
        Topic<String, FactorUpdate> factors,
        Topic<String, ComparisonWindow> comparisonWindows,
        Topic<String, PaybackStatus> paybackStatus,
        Topic<String, PaybackAlert> paybackAlerts,
        Topic<String, DayTotal> periodTotals,
        Topic<String, PeriodRestatement> periodRestatements,
        Serde<VariantKey> variantKeySerde,
        Serde<VariantStats> variantStatsSerde,
        Serde<LedgerState> ledgerStateSerde,
        Serde<BaselineReference> baselineReferenceSerde,
        Serde<TaskKey> taskKeySerde,
        Serde<TaskOutcome> taskOutcomeSerde) {

    public static Topics from(PaybackStreamsConfig config, SchemaRegistryClient registry) {
        return new Topics(
                new Topic<>(config.inferenceEventsTopic(), Serdes.String(), AvroSerde.forValues(registry, InferenceEvent.class)),
                new Topic<>(config.variantWindowsTopic(), Serdes.String(), AvroSerde.forValues(registry, VariantWindow.class)),
                new Topic<>(config.dlqTopic(), Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(config.comparisonsTopic(), Serdes.String(), AvroSerde.forValues(registry, ComparisonDefinition.class)),
                new Topic<>(config.trainingRunsTopic(), Serdes.String(), AvroSerde.forValues(registry, TrainingRun.class)),
                new Topic<>(config.factorsTopic(), Serdes.String(), AvroSerde.forValues(registry, FactorUpdate.class)),
                new Topic<>(config.comparisonWindowsTopic(), Serdes.String(), AvroSerde.forValues(registry, ComparisonWindow.class)),
                new Topic<>(config.paybackStatusTopic(), Serdes.String(), AvroSerde.forValues(registry, PaybackStatus.class)),
                new Topic<>(config.paybackAlertsTopic(), Serdes.String(), AvroSerde.forValues(registry, PaybackAlert.class)),
                new Topic<>(config.periodTotalsTopic(), Serdes.String(), AvroSerde.forValues(registry, DayTotal.class)),
                new Topic<>(config.periodRestatementsTopic(), Serdes.String(),
                        AvroSerde.forValues(registry, PeriodRestatement.class)),
                AvroSerde.forKeys(registry, VariantKey.class),
                AvroSerde.forValues(registry, VariantStats.class),
                AvroSerde.forValues(registry, LedgerState.class),
                AvroSerde.forValues(registry, BaselineReference.class),
                AvroSerde.forKeys(registry, TaskKey.class),
                AvroSerde.forValues(registry, TaskOutcome.class));
    }

    /**
     * Every subject this app writes, with its schema: the output topics and the internal repartition and changelog
     * topics (named from the application id and the operator and store names). The runner registers them at
     * start-up, so an incompatible change fails before processing, not on the first record.
     */
    public Map<String, Schema> writtenSubjects(String applicationId) {
        String repartition = RepartitionNames.topic(applicationId, RepartitionNames.BY_USE_CASE);
        Map<String, Schema> subjects = new LinkedHashMap<>();
        subjects.put(variantWindows.name() + "-value", VariantWindow.getClassSchema());
        subjects.put(comparisonWindows.name() + "-value", ComparisonWindow.getClassSchema());
        subjects.put(paybackStatus.name() + "-value", PaybackStatus.getClassSchema());
        subjects.put(paybackAlerts.name() + "-value", PaybackAlert.getClassSchema());
        subjects.put(periodTotals.name() + "-value", DayTotal.getClassSchema());
        subjects.put(periodRestatements.name() + "-value", PeriodRestatement.getClassSchema());
        subjects.put(repartition + "-key", VariantKey.getClassSchema());
        subjects.put(repartition + "-value", TaskOutcome.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.OPEN_TASKS) + "-key", TaskKey.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.OPEN_TASKS) + "-value", TaskOutcome.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.TASK_CLOSE_INDEX) + "-value", TaskKey.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.VARIANT_WINDOWS) + "-key", VariantKey.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.VARIANT_WINDOWS) + "-value", VariantStats.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.PAYBACK_LEDGER) + "-value", LedgerState.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.BASELINE_REFERENCES) + "-value", BaselineReference.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.OPEN_ALERTS) + "-value", PaybackAlert.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.COMPARISON_WINDOWS) + "-value", ComparisonWindow.getClassSchema());
        subjects.put(changelog(applicationId, StoreNames.PERIOD_TOTALS) + "-value", DayTotal.getClassSchema());
        return subjects;
    }

    private static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    /** The topics this app reads or writes that are not internal to Kafka Streams. */
    public List<String> externalTopicNames() {
        return List.of(inferenceEvents.name(), variantWindows.name(), deadLetters.name(), comparisons.name(),
                trainingRuns.name(), factors.name(), comparisonWindows.name(), paybackStatus.name(), paybackAlerts.name(),
                periodTotals.name(), periodRestatements.name());
    }

    /** The external topics that hold the latest value per key, and so are compacted. */
    public Set<String> compactedTopicNames() {
        // The day totals and their restatements are kept for good: compacted, never deleted by time
        return Set.of(comparisons.name(), trainingRuns.name(), factors.name(), paybackStatus.name(),
                periodTotals.name(), periodRestatements.name());
    }
}
