package io.carbonllm.payback.streams;

import io.carbonllm.payback.core.definition.ComparisonValidator;
import io.carbonllm.payback.core.definition.FactorUpdates;
import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.core.energy.EnergyAccounting;
import io.carbonllm.payback.core.validation.EventValidator;
import io.carbonllm.payback.core.window.TaskOutcomes;
import io.carbonllm.payback.core.window.VariantCounters;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TaskKey;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.energy.AccountEnergy;
import io.carbonllm.payback.streams.engine.ComparisonEngine;
import io.carbonllm.payback.streams.state.DefinitionReader;
import io.carbonllm.payback.streams.state.Definitions;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.topics.RepartitionNames;
import io.carbonllm.payback.streams.topics.Topic;
import io.carbonllm.payback.streams.topics.Topics;
import io.carbonllm.payback.streams.validation.EventTimeExtractor;
import io.carbonllm.payback.streams.validation.ValidateEvents;
import io.carbonllm.payback.streams.window.CompletionTime;
import io.carbonllm.payback.streams.window.LateRecordCheck;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Builds the topology from typed config and topics, and does nothing else. It reads top to bottom as stages:
 * validate, key by variant (partitioned by use case), window per variant, publish window results.
 */
public final class PaybackTopology {

    public static final String SOURCE = "read-inference-events";
    public static final String VALIDATE = "validate";
    public static final String ACCOUNT_ENERGY = "account-energy";
    public static final String SPLIT_TASKS = "split-by-task-id-";
    public static final String KEY_BY_TASK = "key-by-task";
    public static final String BY_TASK = RepartitionNames.BY_TASK;
    public static final String FOLD_TASKS = "fold-tasks";
    public static final String COMPLETED_TASKS = "completed-tasks";
    public static final String STAMP_COMPLETION = "stamp-completion-time";
    public static final String ALL_TASKS = "all-tasks";
    public static final String KEY_BY_VARIANT = "key-by-variant";
    public static final String BY_USE_CASE = RepartitionNames.BY_USE_CASE;
    public static final String CHECK_LATE = "check-late";
    public static final String WINDOW_PER_VARIANT = "window-per-variant";
    public static final String WINDOW_UPDATES = "variant-window-updates";
    public static final String TO_RESULT = "to-variant-window-result";
    public static final String SINK_VARIANT_WINDOWS = "write-variant-windows";
    public static final String READ_COMPARISONS = "read-comparisons";
    public static final String READ_TRAINING_RUNS = "read-training-runs";
    public static final String READ_FACTORS = "read-factors";
    public static final String COMPARE_AMORTIZE_ALERT = "compare-amortize-alert";
    public static final String SINK_COMPARISON_WINDOWS = "write-comparison-windows";
    public static final String SINK_PAYBACK_STATUS = "write-payback-status";
    public static final String SINK_PAYBACK_ALERTS = "write-payback-alerts";

    private final PaybackStreamsConfig config;
    private final Topics topics;
    private final EnergyAccounting energy;
    private final Definitions definitions;

    public PaybackTopology(PaybackStreamsConfig config, Topics topics) {
        this(config, topics, new Definitions());
    }

    /** With the {@link Definitions} the app instance shares with its query layer and metrics. */
    public PaybackTopology(PaybackStreamsConfig config, Topics topics, Definitions definitions) {
        this.config = config;
        this.topics = topics;
        this.definitions = definitions;
        this.energy = EnergyAccounting.from(config.catalogFile(), config.gridFactorsFile(), config.pueFactorsFile());
    }

    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        // <any key, InferenceEvent>: gateways may key by anything; event time comes from the event itself.
        KStream<String, InferenceEvent> events = builder.stream(topics.inferenceEvents().name(),
                topics.inferenceEvents().consumed(SOURCE).withTimestampExtractor(new EventTimeExtractor(config.maxEventTimeAhead(), Clock.systemUTC())));

        readDefinitions(builder);
        KStream<String, InferenceEvent> valid = validate(events);
        KStream<String, TaskOutcome> accounted = accountEnergy(valid);
        KStream<VariantKey, TaskOutcome> tasks = foldTasks(accounted);
        KStream<VariantKey, TaskOutcome> byVariant = partitionByUseCase(tasks);
        KTable<Windowed<VariantKey>, VariantStats> windows = windowPerVariant(byVariant);
        KStream<String, VariantWindow> results = publishWindowResults(windows);
        compareAmortizeAlert(builder, results);
        return builder.build();
    }

    /** Bad events are an output, not a crash: the processing exception handler sends them to the DLQ. */
    private KStream<String, InferenceEvent> validate(KStream<String, InferenceEvent> events) {
        EventValidator validator = new EventValidator(config.maxTokensPerRequest(), config.maxEventTimeAhead());
        return events.processValues(() -> new ValidateEvents<String>(validator), Named.as(VALIDATE));
    }

    /**
     * Each request's energy, PUE and grid intensity are those in effect at its own event time (the methodology
     * library). A request becomes a task of one request here; requests with a task id are folded next.
     */
    private KStream<String, TaskOutcome> accountEnergy(KStream<String, InferenceEvent> valid) {
        return valid.processValues(() -> new AccountEnergy<>(energy.model(), energy.factors(), definitions),
                Named.as(ACCOUNT_ENERGY));
    }

    /**
     * Tasks, not requests: requests sharing a task id (retries, agent steps) fold into one task in a session window
     * with an inactivity gap; the task succeeded if its last request did. A folded task is emitted once, when its
     * session closes, and counts in the window in which it completed.
     */
    private KStream<VariantKey, TaskOutcome> foldTasks(KStream<String, TaskOutcome> accounted) {
        Map<String, KStream<String, TaskOutcome>> branches = accounted.split(Named.as(SPLIT_TASKS))
                .branch((key, task) -> task.getTaskId() != null, Branched.as("with-task-id"))
                .defaultBranch(Branched.as("single-request"));
        // <VariantKey, TaskOutcome>: a request without a task id is a task
        KStream<VariantKey, TaskOutcome> single = branches.get(SPLIT_TASKS + "single-request")
                .selectKey((key, task) -> new VariantKey(task.getUseCase(), task.getModelId()), Named.as(KEY_BY_VARIANT));
        // <TaskKey(useCase, modelId, taskId), TaskOutcome>, still partitioned by use case
        KStream<VariantKey, TaskOutcome> folded = branches.get(SPLIT_TASKS + "with-task-id")
                .selectKey((key, task) -> new TaskKey(task.getUseCase(), task.getModelId(), task.getTaskId()),
                        Named.as(KEY_BY_TASK))
                .repartition(Repartitioned.<TaskKey, TaskOutcome>as(BY_TASK)
                        .withKeySerde(topics.taskKeySerde())
                        .withValueSerde(topics.taskOutcomeSerde())
                        .withStreamPartitioner(UseCasePartitioner.forTasks()))
                .groupByKey(Grouped.<TaskKey, TaskOutcome>as(FOLD_TASKS)
                        .withKeySerde(topics.taskKeySerde())
                        .withValueSerde(topics.taskOutcomeSerde()))
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(config.taskGap(), config.taskGrace()))
                .aggregate(TaskOutcomes::empty,
                        (key, request, task) -> TaskOutcomes.merge(task, request),
                        (key, left, right) -> TaskOutcomes.merge(left, right),
                        Named.as(FOLD_TASKS),
                        Materialized.<TaskKey, TaskOutcome, SessionStore<Bytes, byte[]>>as(StoreNames.TASK_SESSIONS)
                                .withKeySerde(topics.taskKeySerde())
                                .withValueSerde(topics.taskOutcomeSerde()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName(COMPLETED_TASKS))
                .toStream(Named.as(COMPLETED_TASKS + "-stream"))
                .filter((key, task) -> task != null && task.getRequests() > 0, Named.as(COMPLETED_TASKS + "-only"))
                // <VariantKey, TaskOutcome>
                .map((key, task) -> KeyValue.pair(new VariantKey(task.getUseCase(), task.getModelId()), task),
                        Named.as(COMPLETED_TASKS + "-by-variant"))
                .processValues(CompletionTime::new, Named.as(STAMP_COMPLETION));
        return single.merge(folded, Named.as(ALL_TASKS));
    }

    /**
     * Aggregate per (use case, model), but co-locate all models of a use case, so the comparison of a baseline with
     * its candidates is local state, not another shuffle.
     */
    private KStream<VariantKey, TaskOutcome> partitionByUseCase(KStream<VariantKey, TaskOutcome> tasks) {
        return tasks.repartition(Repartitioned.<VariantKey, TaskOutcome>as(BY_USE_CASE)
                .withKeySerde(topics.variantKeySerde())
                .withValueSerde(topics.taskOutcomeSerde())
                .withStreamPartitioner(UseCasePartitioner.forVariants()));
    }

    /**
     * Tumbling event-time windows; the store keeps them for the ops view well past the grace period. Its revisions
     * are forwarded uncached, so once the ledger closes a window (end + grace passed in stream time) no revision of
     * it can still be on its way: Kafka Streams drops later records for that window.
     */
    private KTable<Windowed<VariantKey>, VariantStats> windowPerVariant(KStream<VariantKey, TaskOutcome> byVariant) {
        TimeWindows windows = TimeWindows.ofSizeAndGrace(config.windowSize(), config.windowGrace());
        return byVariant
                // A task too late for its window goes to the DLQ (stage late) instead of being dropped silently
                .processValues(() -> new LateRecordCheck<VariantKey>(config.windowSize(), config.windowGrace()),
                        Named.as(CHECK_LATE))
                .groupByKey(Grouped.<VariantKey, TaskOutcome>as(WINDOW_PER_VARIANT)
                        .withKeySerde(topics.variantKeySerde())
                        .withValueSerde(topics.taskOutcomeSerde()))
                .windowedBy(windows)
                .aggregate(VariantCounters::empty,
                        (key, task, stats) -> VariantCounters.add(stats, task),
                        Named.as(WINDOW_PER_VARIANT),
                        Materialized.<VariantKey, VariantStats, WindowStore<Bytes, byte[]>>as(StoreNames.VARIANT_WINDOWS)
                                .withKeySerde(topics.variantKeySerde())
                                .withValueSerde(topics.variantStatsSerde())
                                .withRetention(config.windowRetention())
                                // Every revision reaches the ledger in processing order. A record cache could hold
                                // one back past the point where the ledger closes its window, and it would be lost.
                                .withCachingDisabled());
    }

    /** Every revision of a window is published; the last one per (use case, model, window start) wins. */
    private KStream<String, VariantWindow> publishWindowResults(KTable<Windowed<VariantKey>, VariantStats> windows) {
        KStream<String, VariantWindow> results = windows.toStream(Named.as(WINDOW_UPDATES))
                // <useCase, VariantWindow>: keyed by use case, like every external topic.
                .map((windowed, stats) -> KeyValue.pair(windowed.key().getUseCase(), toResult(windowed, stats)),
                        Named.as(TO_RESULT));
        results.to(topics.variantWindows().name(), topics.variantWindows().produced(SINK_VARIANT_WINDOWS));
        return results;
    }

    /**
     * Comparisons, one-off runs and factors are few and change rarely: global stores, so every instance sees them
     * all. Each record is validated where it is read, with the checks the CLI applies before publishing.
     */
    private void readDefinitions(StreamsBuilder builder) {
        readDefinitions(builder, topics.factors(), StoreNames.FACTORS, READ_FACTORS, FactorUpdates::problems);
        readDefinitions(builder, topics.comparisons(), StoreNames.COMPARISONS, READ_COMPARISONS,
                ComparisonValidator::problems);
        readDefinitions(builder, topics.trainingRuns(), StoreNames.TRAINING_RUNS, READ_TRAINING_RUNS,
                TrainingRuns::problems);
    }

    private <V> void readDefinitions(StreamsBuilder builder, Topic<String, V> topic, String store, String name,
                                     Function<V, List<String>> validator) {
        // Global stores restore through the reader too (KAFKA-7663), so a restored store holds valid records only.
        builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(store), topic.keySerde(),
                        topic.valueSerde()).withLoggingDisabled(),
                topic.name(), topic.consumed(name),
                () -> new DefinitionReader<>(store, validator, definitions));
    }

    /**
     * Compare, amortize and alert in one local step: the window store, the ledger and the open alerts of a use case
     * all live on its partition, so no further shuffle is needed. The engine forwards each output to its sink by name.
     */
    private void compareAmortizeAlert(StreamsBuilder builder, KStream<String, VariantWindow> results) {
        // Cached: the many writes a ledger gets within a commit interval reach RocksDB and its changelog once
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.PAYBACK_LEDGER),
                Serdes.String(), topics.ledgerStateSerde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.BASELINE_REFERENCES),
                Serdes.String(), topics.baselineReferenceSerde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.OPEN_ALERTS),
                Serdes.String(), topics.paybackAlerts().valueSerde()).withCachingEnabled());
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(StoreNames.COMPARISON_WINDOWS,
                config.windowRetention(), config.windowSize(), false), Serdes.String(), topics.comparisonWindows().valueSerde())
                .withCachingEnabled());
        // <comparisonId | comparisonId/candidateId | .../rule, ComparisonWindow | PaybackStatus | PaybackAlert>
        KStream<String, SpecificRecord> outputs = results.process(() -> new ComparisonEngine(SINK_COMPARISON_WINDOWS,
                        SINK_PAYBACK_STATUS, SINK_PAYBACK_ALERTS, config.windowGrace(), config.ledgerRefresh(),
                        energy.factors(), definitions), Named.as(COMPARE_AMORTIZE_ALERT),
                StoreNames.VARIANT_WINDOWS, StoreNames.PAYBACK_LEDGER, StoreNames.BASELINE_REFERENCES,
                StoreNames.OPEN_ALERTS, StoreNames.COMPARISON_WINDOWS);
        outputs.to(topics.comparisonWindows().name(),
                topics.comparisonWindows().producedFrom(ComparisonWindow.class, SINK_COMPARISON_WINDOWS));
        outputs.to(topics.paybackStatus().name(),
                topics.paybackStatus().producedFrom(PaybackStatus.class, SINK_PAYBACK_STATUS));
        outputs.to(topics.paybackAlerts().name(),
                topics.paybackAlerts().producedFrom(PaybackAlert.class, SINK_PAYBACK_ALERTS));
    }

    private static VariantWindow toResult(Windowed<VariantKey> windowed, VariantStats stats) {
        return VariantCounters.result(windowed.key(), windowed.window().startTime(), windowed.window().endTime(), stats);
    }
}
