package io.carbonllm.payback.streams.engine;

import io.carbonllm.payback.core.engine.EngineOutput;
import io.carbonllm.payback.core.engine.EngineState;
import io.carbonllm.payback.core.engine.PaybackEngine;
import io.carbonllm.payback.core.engine.Pricing;
import io.carbonllm.payback.core.window.VariantCounters;
import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.streams.energy.FactorSnapshot;
import io.carbonllm.payback.streams.state.Definitions;
import io.carbonllm.payback.streams.state.GlobalTables;
import io.carbonllm.payback.streams.state.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Applies the payback core to state: its stores are the {@link EngineState} and its named sinks the
 * {@link EngineOutput} of a {@link PaybackEngine}, which makes every decision. A revision of a variant's window marks
 * that window of the use case's comparisons as revised; every {@code payback.engine.apply.ms} (wall clock) the engine
 * runs its step once per marked comparison window, in the order of their latest revisions' stream times, however many
 * events revised them (the step reads the windows from the store, so the latest revision is the one that counts). A
 * wall-clock punctuation also refreshes every ledger, which closes windows as stream time moves on, charges runs that
 * arrived after the traffic, and retires the ledgers of deleted or moved comparisons; it applies the marks first.
 *
 * <p>Why the order is safe: a window's revisions all come before stream time reaches its close (FoldAndWindow), so
 * a mark whose latest revision is at stream time {@code s} is for a window still open at {@code s}; applied in order,
 * no mark is applied after a step at a later stream time closed its window. The marks are also in a store (cached,
 * changelogged), so marks committed but not yet applied when the instance stops are applied when it starts again.
 * With {@code payback.engine.apply.ms = 0} every revision is applied as it comes.
 *
 * <p>The comparisons of a use case come from an index rebuilt when the global definitions change. Everything about a
 * use case is on one partition (see {@code UseCasePartitioner}).
 */
public final class ComparisonEngine implements Processor<String, VariantWindow, String, SpecificRecord>, EngineState,
        EngineOutput {

    private final String comparisonWindowsChild;
    private final String statusChild;
    private final String alertsChild;
    private final String periodTotalsChild;
    private final String periodRestatementsChild;
    private final Duration dayCloseAfter;
    private final Duration windowRetention;
    private final Duration refreshInterval;
    private final Duration applyInterval;
    private final FactorTable baseFactors;
    private final Definitions definitions;
    private final PaybackEngine engine;

    private ProcessorContext<String, SpecificRecord> context;
    private TimestampedWindowStore<VariantKey, VariantStats> variantWindows;
    private KeyValueStore<String, ComparisonDefinition> comparisons;
    private KeyValueStore<String, TrainingRun> trainingRuns;
    private KeyValueStore<String, FactorUpdate> factorUpdates;
    private KeyValueStore<String, LedgerState> ledgers;
    private KeyValueStore<String, BaselineReference> references;
    private KeyValueStore<String, PaybackAlert> openAlerts;
    private WindowStore<String, ComparisonWindow> comparisonWindows;
    private KeyValueStore<String, String> pendingStore;
    private PeriodTotaller totaller;
    private String factorsVersion = "";
    /** The marked comparison windows, as in {@link #pendingStore}: "comparisonId window-start-ms" to the mark. */
    private final Map<String, Mark> pending = new HashMap<>();

    private long seenVersion = -1;
    private Map<String, List<ComparisonDefinition>> byUseCase = Map.of();
    private Map<String, ComparisonDefinition> byId = Map.of();
    private Pricing pricing;
    private boolean definitionsComplete = true;
    private long timestamp;

    /** At most this many marked comparison windows wait for the interval; one more applies them all at once. */
    static final int MAX_PENDING = 10_000;

    /**
     * A comparison window revised since the engine last applied it: the use case and the models whose revisions marked
     * it, and the latest revision's stream time. Applied only if the comparison still has that use case and one of
     * those models, as the step at the revision would have been: an edit in between does not reach the old traffic.
     */
    private record Mark(String comparisonId, String useCase, Set<String> models, long start, long end,
                        long streamTime) {

        private static final String SEPARATOR = "\u001f";
        private static final String MODEL_SEPARATOR = "\u001e";

        Mark revisedBy(String modelId, long laterStreamTime) {
            if (models.contains(modelId)) {
                return new Mark(comparisonId, useCase, models, start, end, laterStreamTime);
            }
            Set<String> more = new TreeSet<>(models);
            more.add(modelId);
            return new Mark(comparisonId, useCase, more, start, end, laterStreamTime);
        }

        String encode() {
            return start + SEPARATOR + end + SEPARATOR + streamTime + SEPARATOR + useCase + SEPARATOR
                    + String.join(MODEL_SEPARATOR, models);
        }

        static Mark decode(String key, String value) {
            String[] parts = value.split(SEPARATOR, -1);
            return new Mark(key.substring(0, key.lastIndexOf(' ')), parts[3],
                    new TreeSet<>(List.of(parts[4].split(MODEL_SEPARATOR, -1))), Long.parseLong(parts[0]),
                    Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        }
    }

    /** The names of the sink nodes this processor forwards to. */
    public record Sinks(String comparisonWindows, String status, String alerts, String periodTotals,
                        String periodRestatements) {
    }

    /**
     * @param windowSize      the variant windows' size: a day's totals are written once stream time is past its end by
     *                        a window and the grace
     * @param windowRetention how long the variant window store keeps windows
     */
    public ComparisonEngine(Sinks sinks, Duration windowSize, Duration grace, Duration windowRetention,
                            Duration refreshInterval, Duration applyInterval, FactorTable baseFactors,
                            Definitions definitions) {
        this.comparisonWindowsChild = sinks.comparisonWindows();
        this.statusChild = sinks.status();
        this.alertsChild = sinks.alerts();
        this.periodTotalsChild = sinks.periodTotals();
        this.periodRestatementsChild = sinks.periodRestatements();
        this.dayCloseAfter = windowSize.plus(grace);
        this.windowRetention = windowRetention;
        this.refreshInterval = refreshInterval;
        this.applyInterval = applyInterval;
        this.baseFactors = baseFactors;
        this.definitions = definitions;
        this.engine = new PaybackEngine(grace, this, this);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        variantWindows = context.getStateStore(StoreNames.VARIANT_WINDOWS);
        comparisons = context.getStateStore(StoreNames.COMPARISONS);
        trainingRuns = context.getStateStore(StoreNames.TRAINING_RUNS);
        factorUpdates = context.getStateStore(StoreNames.FACTORS);
        ledgers = context.getStateStore(StoreNames.PAYBACK_LEDGER);
        references = context.getStateStore(StoreNames.BASELINE_REFERENCES);
        openAlerts = context.getStateStore(StoreNames.OPEN_ALERTS);
        comparisonWindows = context.getStateStore(StoreNames.COMPARISON_WINDOWS);
        pendingStore = context.getStateStore(StoreNames.ENGINE_PENDING);
        totaller = new PeriodTotaller(dayCloseAfter, windowRetention, variantWindows, comparisonWindows,
                context.getStateStore(StoreNames.PERIOD_TOTALS), context.getStateStore(StoreNames.PERIOD_INDEX),
                new PeriodTotaller.Output() {
                    @Override
                    public void total(String periodKey, DayTotal total) {
                        context.forward(new Record<String, SpecificRecord>(periodKey, total, timestamp),
                                periodTotalsChild);
                    }

                    @Override
                    public void restatement(String restatementKey, PeriodRestatement restatement) {
                        context.forward(new Record<String, SpecificRecord>(restatementKey, restatement, timestamp),
                                periodRestatementsChild);
                    }
                });
        // Marks committed before a stop (or a migration): applied at the first interval
        pending.clear();
        try (KeyValueIterator<String, String> all = pendingStore.all()) {
            all.forEachRemaining(kv -> pending.put(kv.key, Mark.decode(kv.key, kv.value)));
        }
        context.schedule(refreshInterval, PunctuationType.WALL_CLOCK_TIME, this::refreshAll);
        if (!applyInterval.isZero()) {
            context.schedule(applyInterval, PunctuationType.WALL_CLOCK_TIME, wallClock -> applyPending());
        }
    }

    @Override
    public void process(Record<String, VariantWindow> record) {
        VariantWindow updated = record.value();
        if (updated == null) {
            return;
        }
        refreshDefinitionsIfChanged();
        if (applyInterval.isZero()) {
            // Marks kept from a run with an interval go first: a later revision must not close their windows
            applyPending();
        }
        for (ComparisonDefinition def : byUseCase.getOrDefault(updated.getUseCase(), List.of())) {
            if (!involves(def, updated.getModelId())) {
                continue;
            }
            // The revision's stamp is the stream time it was made at (FoldAndWindow), which may trail the task's
            // while folded tasks close in order: closing windows by it keeps every revision ahead of its close
            long start = updated.getWindowStart().toEpochMilli();
            String key = def.getComparisonId() + " " + start;
            Mark earlier = pending.get(key);
            Mark mark = earlier != null ? earlier.revisedBy(updated.getModelId(), record.timestamp())
                    : new Mark(def.getComparisonId(), updated.getUseCase(), Set.of(updated.getModelId()), start,
                    updated.getWindowEnd().toEpochMilli(), record.timestamp());
            if (applyInterval.isZero()) {
                apply(def, mark);
            } else {
                pending.put(key, mark);
                pendingStore.put(key, mark.encode());
            }
        }
        if (pending.size() > MAX_PENDING) {
            applyPending();
        }
    }

    /** The engine's step for every marked comparison window, in the order of their latest revisions. */
    private void applyPending() {
        if (pending.isEmpty()) {
            return;
        }
        refreshDefinitionsIfChanged();
        List<Map.Entry<String, Mark>> marks = new ArrayList<>(pending.entrySet());
        marks.sort(Comparator.comparingLong((Map.Entry<String, Mark> e) -> e.getValue().streamTime())
                .thenComparingLong(e -> e.getValue().start()).thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, Mark> entry : marks) {
            Mark mark = entry.getValue();
            ComparisonDefinition def = byId.get(mark.comparisonId());
            if (def == null && !definitionsComplete) {
                continue; // a definition that could not be read is not a deletion: keep the mark for the next time
            }
            // Deleted, moved to another use case, or no longer comparing the models that revised the window: not
            // revised (the refresh retires what is gone or moved, as it would have without the mark)
            if (def != null && def.getUseCase().equals(mark.useCase())
                    && mark.models().stream().anyMatch(m -> involves(def, m))) {
                apply(def, mark);
            }
            pending.remove(entry.getKey());
            pendingStore.delete(entry.getKey());
        }
    }

    private void apply(ComparisonDefinition def, Mark mark) {
        timestamp = mark.streamTime();
        engine.windowRevised(def, Instant.ofEpochMilli(mark.start()), Instant.ofEpochMilli(mark.end()),
                mark.streamTime(), pricing);
    }

    /** The use-case index and the pricing snapshot, rebuilt when a definition changed. */
    private void refreshDefinitionsIfChanged() {
        long version = definitions.version();
        if (version == seenVersion) {
            return;
        }
        seenVersion = version;
        Map<String, List<ComparisonDefinition>> index = new HashMap<>();
        Map<String, ComparisonDefinition> ids = new HashMap<>();
        GlobalTables.Read<ComparisonDefinition> read = GlobalTables.read(comparisons, StoreNames.COMPARISONS);
        definitionsComplete = read.complete();
        for (KeyValue<String, ComparisonDefinition> kv : read.entries()) {
            index.computeIfAbsent(kv.value.getUseCase(), u -> new ArrayList<>()).add(kv.value);
            ids.put(kv.value.getComparisonId(), kv.value);
        }
        byUseCase = index;
        byId = ids;
        pricing = Pricing.of(FactorSnapshot.of(baseFactors, factorUpdates));
        factorsVersion = factorsVersion();
    }

    /**
     * Identifies the factor table's contents (the shipped and file rows, then the factors topic's): written day totals
     * are checked against the table when it changes.
     */
    private String factorsVersion() {
        StringBuilder all = new StringBuilder(baseFactors.fingerprint()).append('\u001d');
        try (KeyValueIterator<String, FactorUpdate> it = factorUpdates.all()) {
            it.forEachRemaining(kv -> all.append(kv.key).append('\u001e').append(kv.value).append('\u001d'));
        }
        return all.length() + ":" + all.toString().hashCode();
    }

    private static boolean involves(ComparisonDefinition def, String modelId) {
        return def.getBaselineModel().equals(modelId)
                || def.getCandidates().stream().anyMatch(c -> c.getModelId().equals(modelId));
    }

    /** Every ledger of this task: windows close as stream time has moved on, runs are charged, the gone are retired. */
    private void refreshAll(long wallClock) {
        applyPending();
        refreshDefinitionsIfChanged();
        List<KeyValue<String, LedgerState>> entries = new ArrayList<>();
        try (KeyValueIterator<String, LedgerState> all = ledgers.all()) {
            all.forEachRemaining(entries::add);
        }
        long streamTime = Math.max(context.currentStreamTimeMs(), 0);
        timestamp = streamTime;
        Map<String, ComparisonDefinition> local = new LinkedHashMap<>();
        Map<String, Long> epochStarts = new HashMap<>();
        for (KeyValue<String, LedgerState> entry : entries) {
            ComparisonDefinition def = byId.get(entry.value.getComparisonId());
            // A definition missing because an entry could not be read is not a deletion: retire nothing on its word
            if (def != null || definitionsComplete) {
                engine.refresh(entry.key, entry.value, def, streamTime, pricing);
            }
            // Totalled here only while its use case is this task's: a ledger being retired for a moved comparison is not
            if (def != null && entry.value.getLastStatus() != null
                    && def.getUseCase().equals(entry.value.getLastStatus().getUseCase())) {
                local.put(def.getComparisonId(), def);
                epochStarts.merge(def.getComparisonId(), entry.value.getEpochStart(), Math::min);
            }
        }
        totaller.refresh(streamTime, local.values(), epochStarts, byId, pricing, factorsVersion, seenVersion,
                this::trainingRun);
        if (definitionsComplete) {
            totaller.gone(byId.keySet()).forEach(totaller::forget);
        }
    }

    // EngineState over the stores

    @Override
    public VariantWindow window(String useCase, String modelId, Instant start, Instant end) {
        VariantKey key = new VariantKey(useCase, modelId);
        ValueAndTimestamp<VariantStats> stats = variantWindows.fetch(key, start.toEpochMilli());
        return stats == null || stats.value() == null ? null : VariantCounters.result(key, start, end, stats.value());
    }

    @Override
    public BaselineReference reference(String comparisonId) {
        return references.get(comparisonId);
    }

    @Override
    public void putReference(String comparisonId, BaselineReference reference) {
        references.put(comparisonId, reference);
    }

    @Override
    public void deleteReference(String comparisonId) {
        references.delete(comparisonId);
    }

    @Override
    public LedgerState ledger(String key) {
        return ledgers.get(key);
    }

    @Override
    public void putLedger(String key, LedgerState ledger) {
        ledgers.put(key, ledger);
    }

    @Override
    public void deleteLedger(String key) {
        ledgers.delete(key);
    }

    @Override
    public PaybackAlert openAlert(String key) {
        return openAlerts.get(key);
    }

    @Override
    public void putOpenAlert(String key, PaybackAlert alert) {
        openAlerts.put(key, alert);
    }

    @Override
    public void deleteOpenAlert(String key) {
        openAlerts.delete(key);
    }

    @Override
    public void putComparisonWindow(String comparisonId, ComparisonWindow window) {
        comparisonWindows.put(comparisonId, window, window.getWindowStart().toEpochMilli());
    }

    @Override
    public TrainingRun trainingRun(String runId) {
        return GlobalTables.get(trainingRuns, StoreNames.TRAINING_RUNS, runId);
    }

    // EngineOutput to the named sinks, stamped with the record (or punctuation) being processed

    @Override
    public void comparisonWindow(String comparisonId, ComparisonWindow window) {
        context.forward(new Record<String, SpecificRecord>(comparisonId, window, timestamp), comparisonWindowsChild);
    }

    @Override
    public void status(String ledgerKey, PaybackStatus status) {
        context.forward(new Record<String, SpecificRecord>(ledgerKey, status, timestamp), statusChild);
    }

    @Override
    public void alert(String alertKey, PaybackAlert transition) {
        context.forward(new Record<String, SpecificRecord>(alertKey, transition, timestamp), alertsChild);
    }
}
