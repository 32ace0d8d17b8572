package io.carbonllm.payback.streams;

import io.carbonllm.payback.core.definition.ComparisonValidator;
import io.carbonllm.payback.core.definition.FactorUpdates;
import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.core.energy.EnergyAccounting;
import io.carbonllm.payback.core.validation.EventValidator;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TaskKey;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.energy.AccountEnergy;
import io.carbonllm.payback.streams.engine.ComparisonEngine;
import io.carbonllm.payback.streams.metrics.PaybackMetrics;
import io.carbonllm.payback.streams.state.DefinitionReader;
import io.carbonllm.payback.streams.state.Definitions;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.topics.RepartitionNames;
import io.carbonllm.payback.streams.topics.Topic;
import io.carbonllm.payback.streams.topics.Topics;
import io.carbonllm.payback.streams.validation.EventTimeExtractor;
import io.carbonllm.payback.streams.validation.ValidateEvents;
import io.carbonllm.payback.streams.window.FoldAndWindow;
import io.carbonllm.payback.streams.window.InputPartitions;
import io.carbonllm.payback.streams.window.RequireUseCasePartition;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedWindowStore;

/**
 * Builds the topology from typed config and topics, and does nothing else. It reads top to bottom as stages:
 * validate, account energy, key by variant (partitioned by use case), fold tasks and window per variant, then
 * compare, amortize and alert.
 */
public final class PaybackTopology {

    public static final String SOURCE = "read-inference-events";
    public static final String VALIDATE = "validate";
    public static final String ACCOUNT_ENERGY = "account-energy";
    public static final String KEY_BY_VARIANT = "key-by-variant";
    public static final String REQUIRE_USE_CASE_PARTITION = "require-use-case-partition";
    public static final String BY_USE_CASE = RepartitionNames.BY_USE_CASE;
    public static final String FOLD_AND_WINDOW = "fold-tasks-and-window";
    public static final String SINK_VARIANT_WINDOWS = "write-variant-windows";
    public static final String READ_COMPARISONS = "read-comparisons";
    public static final String READ_TRAINING_RUNS = "read-training-runs";
    public static final String READ_FACTORS = "read-factors";
    public static final String COMPARE_AMORTIZE_ALERT = "compare-amortize-alert";
    public static final String SINK_COMPARISON_WINDOWS = "write-comparison-windows";
    public static final String SINK_PAYBACK_STATUS = "write-payback-status";
    public static final String SINK_PAYBACK_ALERTS = "write-payback-alerts";
    public static final String SINK_PERIOD_TOTALS = "write-period-totals";
    public static final String SINK_PERIOD_RESTATEMENTS = "write-period-restatements";

    private final PaybackStreamsConfig config;
    private final Topics topics;
    private final EnergyAccounting energy;
    private final Definitions definitions;
    private final PaybackMetrics metrics;
    private final InputPartitions inputPartitions = new InputPartitions();

    public PaybackTopology(PaybackStreamsConfig config, Topics topics) {
        this(config, topics, new Definitions(), new PaybackMetrics());
    }

    /** With the {@link Definitions} and {@link PaybackMetrics} the app instance shares with its console and JMX. */
    public PaybackTopology(PaybackStreamsConfig config, Topics topics, Definitions definitions, PaybackMetrics metrics) {
        this.config = config;
        this.topics = topics;
        this.definitions = definitions;
        this.metrics = metrics;
        this.energy = EnergyAccounting.from(config.catalogFile(), config.gridFactorsFile(), config.pueFactorsFile());
    }

    /**
     * The input topic's partition count, to be set before the topology processes anything when the input is
     * partitioned by use case (the runner learns it from the broker at start-up).
     */
    public InputPartitions inputPartitions() {
        return inputPartitions;
    }

    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        // <any key, InferenceEvent>: gateways may key by anything; event time comes from the event itself.
        KStream<String, InferenceEvent> events = builder.stream(topics.inferenceEvents().name(),
                topics.inferenceEvents().consumed(SOURCE).withTimestampExtractor(timestampExtractor()));

        readDefinitions(builder);
        boolean inPlace = config.inputPartitionedByUseCase();
        KStream<String, InferenceEvent> valid = validate(inPlace ? requireUseCasePartition(events) : events);
        KStream<String, TaskOutcome> accounted = accountEnergy(valid);
        KStream<?, TaskOutcome> byUseCase = inPlace ? accounted : partitionByUseCase(accounted);
        KStream<String, VariantWindow> results = foldAndWindow(byUseCase);
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
     * Aggregate per (use case, model), but co-locate all models and tasks of a use case, so folding requests into
     * tasks, windowing them and comparing variants are all local state on one partition, with one stream time.
     */
    private KStream<VariantKey, TaskOutcome> partitionByUseCase(KStream<String, TaskOutcome> accounted) {
        // <VariantKey, TaskOutcome>: one request, with its task id (if any) in the value
        return accounted.selectKey((key, request) -> new VariantKey(request.getUseCase(), request.getModelId()),
                        Named.as(KEY_BY_VARIANT))
                .repartition(Repartitioned.<VariantKey, TaskOutcome>as(BY_USE_CASE)
                        .withKeySerde(topics.variantKeySerde())
                        .withValueSerde(topics.taskOutcomeSerde())
                        .withStreamPartitioner(UseCasePartitioner.forVariants()));
    }

    /**
     * The input is partitioned by use case already ({@code payback.input.partitioning=use-case}): folding, windowing
     * and comparing run on the input's own task, with no repartition; a record elsewhere goes to the DLQ.
     */
    private KStream<String, InferenceEvent> requireUseCasePartition(KStream<String, InferenceEvent> events) {
        return events.processValues(() -> new RequireUseCasePartition<String>(inputPartitions),
                Named.as(REQUIRE_USE_CASE_PARTITION));
    }

    /**
     * Event time. Without a repartition, the input's task is the windows' task, so the events that will go to the DLQ
     * (invalid, or misrouted) must not move its stream time: they take the partition's time.
     */
    private EventTimeExtractor timestampExtractor() {
        if (!config.inputPartitionedByUseCase()) {
            return new EventTimeExtractor(config.maxEventTimeAhead(), Clock.systemUTC());
        }
        EventValidator validator = new EventValidator(config.maxTokensPerRequest(), config.maxEventTimeAhead());
        return new EventTimeExtractor(config.maxEventTimeAhead(), Clock.systemUTC(), (record, event) ->
                !validator.problems(event).isEmpty() || event.getUseCase() != null
                        && UseCasePartitioner.partitionOf(event.getUseCase(), inputPartitions.get()) != record.partition());
    }

    /**
     * Tasks, not requests: requests sharing a task id (retries, agent steps) fold into one task while they come less
     * than the task gap apart; the task succeeded if its last request did, and counts in the tumbling window of its
     * close time (last request + gap + task grace). A request without a task id is a task. Every revision of a window
     * is forwarded uncached, in processing order, so none can reach the ledger after the ledger closed its window.
     * The window store keeps windows for the ops view well past the grace period.
     */
    private <K> KStream<String, VariantWindow> foldAndWindow(KStream<K, TaskOutcome> requests) {
        StoreBuilder<KeyValueStore<TaskKey, TaskOutcome>> openTasks = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.OPEN_TASKS), topics.taskKeySerde(), topics.taskOutcomeSerde());
        StoreBuilder<KeyValueStore<String, TaskKey>> closeIndex = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.TASK_CLOSE_INDEX), Serdes.String(), topics.taskKeySerde());
        // Cached: a window revised by many events within a commit interval reaches RocksDB and its changelog once
        StoreBuilder<TimestampedWindowStore<VariantKey, VariantStats>> windows = Stores.timestampedWindowStoreBuilder(
                Stores.persistentTimestampedWindowStore(StoreNames.VARIANT_WINDOWS, config.windowRetention(),
                        config.windowSize(), false), topics.variantKeySerde(), topics.variantStatsSerde())
                .withCachingEnabled();
        StoreBuilder<KeyValueStore<String, Long>> pending = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.VARIANT_PENDING), Serdes.String(), Serdes.Long())
                .withCachingEnabled();
        // <useCase, VariantWindow>: every revision to the engine, the latest per window per interval to the sink
        KStream<String, VariantWindow> results = requests.process(new ProcessorSupplier<K, TaskOutcome, String, VariantWindow>() {
            @Override
            public Processor<K, TaskOutcome, String, VariantWindow> get() {
                return new FoldAndWindow<>(config.taskGap(), config.taskGrace(), config.windowSize(), config.windowGrace(),
                        config.engineApply(), COMPARE_AMORTIZE_ALERT, SINK_VARIANT_WINDOWS);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(openTasks, closeIndex, windows, pending);
            }
        }, Named.as(FOLD_AND_WINDOW));
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
                () -> new DefinitionReader<>(store, validator, definitions, metrics));
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
        // Cached: a window marked by many events is written once per commit; each application deletes its mark (a
        // RocksDB delete and a changelog tombstone per marked window per interval)
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ENGINE_PENDING),
                Serdes.String(), Serdes.String()).withCachingEnabled());
        // <comparisonId | comparisonId/candidateId | .../rule, ComparisonWindow | PaybackStatus | PaybackAlert>
        // The day totals written (at their latest version, to restate from) and each comparison's next day to total
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.PERIOD_TOTALS),
                Serdes.String(), topics.periodTotals().valueSerde()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.PERIOD_INDEX),
                Serdes.String(), Serdes.String()).withCachingEnabled());
        ComparisonEngine.Sinks sinks = new ComparisonEngine.Sinks(SINK_COMPARISON_WINDOWS, SINK_PAYBACK_STATUS,
                SINK_PAYBACK_ALERTS, SINK_PERIOD_TOTALS, SINK_PERIOD_RESTATEMENTS);
        KStream<String, SpecificRecord> outputs = results.process(() -> new ComparisonEngine(sinks,
                        config.windowSize(), config.windowGrace(), config.windowRetention(), config.ledgerRefresh(),
                        config.engineApply(), energy.factors(), definitions), Named.as(COMPARE_AMORTIZE_ALERT),
                StoreNames.VARIANT_WINDOWS, StoreNames.PAYBACK_LEDGER, StoreNames.BASELINE_REFERENCES,
                StoreNames.OPEN_ALERTS, StoreNames.COMPARISON_WINDOWS, StoreNames.ENGINE_PENDING,
                StoreNames.PERIOD_TOTALS, StoreNames.PERIOD_INDEX);
        outputs.to(topics.comparisonWindows().name(),
                topics.comparisonWindows().producedFrom(ComparisonWindow.class, SINK_COMPARISON_WINDOWS));
        outputs.to(topics.paybackStatus().name(),
                topics.paybackStatus().producedFrom(PaybackStatus.class, SINK_PAYBACK_STATUS));
        outputs.to(topics.paybackAlerts().name(),
                topics.paybackAlerts().producedFrom(PaybackAlert.class, SINK_PAYBACK_ALERTS));
        outputs.to(topics.periodTotals().name(),
                topics.periodTotals().producedFrom(DayTotal.class, SINK_PERIOD_TOTALS));
        outputs.to(topics.periodRestatements().name(),
                topics.periodRestatements().producedFrom(PeriodRestatement.class, SINK_PERIOD_RESTATEMENTS));
    }
}
