package io.carbonllm.payback.streams.engine;

import io.carbonllm.payback.core.alert.AlertRule;
import io.carbonllm.payback.core.alert.AlertRules;
import io.carbonllm.payback.core.alert.AlertState;
import io.carbonllm.payback.core.compare.Comparisons;
import io.carbonllm.payback.core.ledger.Charges;
import io.carbonllm.payback.core.ledger.Ledgers;
import io.carbonllm.payback.core.window.VariantCounters;
import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.footprint.FootprintCalculator;
import io.carbonllm.payback.streams.energy.FactorSnapshot;
import io.carbonllm.payback.streams.state.Definitions;
import io.carbonllm.payback.streams.state.GlobalTables;
import io.carbonllm.payback.streams.state.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Applies the payback core to state: on every revision of a variant's window it reads the windows and the ledgers of
 * the use case's comparisons, calls {@link Comparisons}, {@link Ledgers} and {@link AlertRules}, and writes back what
 * changed. Outputs go to named children: the comparison window, the status (when it changed) and alert transitions.
 *
 * <p>The comparisons of a use case come from an index rebuilt when the global definitions change. A wall-clock
 * punctuation closes windows as stream time moves on and charges runs that arrived after the traffic, writing a
 * ledger only when it changed. Everything about a use case is on one partition (see {@code UseCasePartitioner}).
 */
public final class ComparisonEngine implements Processor<String, VariantWindow, String, SpecificRecord> {

    private final String comparisonWindowsChild;
    private final String statusChild;
    private final String alertsChild;
    private final Duration grace;
    private final Duration refreshInterval;
    private final FactorTable baseFactors;
    private final Definitions definitions;

    private ProcessorContext<String, SpecificRecord> context;
    private TimestampedWindowStore<VariantKey, VariantStats> variantWindows;
    private KeyValueStore<String, ComparisonDefinition> comparisons;
    private KeyValueStore<String, TrainingRun> trainingRuns;
    private KeyValueStore<String, FactorUpdate> factorUpdates;
    private KeyValueStore<String, LedgerState> ledgers;
    private KeyValueStore<String, BaselineReference> references;
    private KeyValueStore<String, PaybackAlert> openAlerts;
    private WindowStore<String, ComparisonWindow> comparisonWindows;

    private long seenVersion = -1;
    private Map<String, List<ComparisonDefinition>> byUseCase = Map.of();
    private Map<String, ComparisonDefinition> byId = Map.of();
    private FactorTable factors;
    private FootprintCalculator footprints;

    /** The three children are the names of the sink nodes this processor forwards to. */
    public ComparisonEngine(String comparisonWindowsChild, String statusChild, String alertsChild, Duration grace,
                            Duration refreshInterval, FactorTable baseFactors, Definitions definitions) {
        this.comparisonWindowsChild = comparisonWindowsChild;
        this.statusChild = statusChild;
        this.alertsChild = alertsChild;
        this.grace = grace;
        this.refreshInterval = refreshInterval;
        this.baseFactors = baseFactors;
        this.definitions = definitions;
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
        context.schedule(refreshInterval, PunctuationType.WALL_CLOCK_TIME, this::refreshAll);
    }

    @Override
    public void process(Record<String, VariantWindow> record) {
        VariantWindow updated = record.value();
        if (updated == null) {
            return;
        }
        refreshDefinitionsIfChanged();
        for (ComparisonDefinition def : byUseCase.getOrDefault(updated.getUseCase(), List.of())) {
            if (involves(def, updated.getModelId())) {
                evaluate(def, updated.getWindowStart(), updated.getWindowEnd(), record.timestamp());
            }
        }
    }

    /** The use-case index, the factor snapshot and the footprint calculator, rebuilt when a definition changed. */
    private void refreshDefinitionsIfChanged() {
        long version = definitions.version();
        if (version == seenVersion) {
            return;
        }
        seenVersion = version;
        Map<String, List<ComparisonDefinition>> index = new HashMap<>();
        Map<String, ComparisonDefinition> ids = new HashMap<>();
        for (KeyValue<String, ComparisonDefinition> kv : GlobalTables.readAll(comparisons, StoreNames.COMPARISONS)) {
            index.computeIfAbsent(kv.value.getUseCase(), u -> new ArrayList<>()).add(kv.value);
            ids.put(kv.value.getComparisonId(), kv.value);
        }
        byUseCase = index;
        byId = ids;
        factors = FactorSnapshot.of(baseFactors, factorUpdates);
        footprints = new FootprintCalculator(factors);
    }

    private static boolean involves(ComparisonDefinition def, String modelId) {
        return def.getBaselineModel().equals(modelId)
                || def.getCandidates().stream().anyMatch(c -> c.getModelId().equals(modelId));
    }

    private void evaluate(ComparisonDefinition def, Instant start, Instant end, long timestamp) {
        VariantWindow baseline = window(def.getUseCase(), def.getBaselineModel(), start, end);
        Map<String, VariantWindow> candidates = new HashMap<>();
        for (CandidateDefinition c : def.getCandidates()) {
            VariantWindow w = window(def.getUseCase(), c.getModelId(), start, end);
            if (w != null) {
                candidates.put(c.getCandidateId(), w);
            }
        }
        BaselineReference reference = references.get(def.getComparisonId());
        BaselineReference updatedReference = Comparisons.updateReference(reference, def, baseline);
        if (!updatedReference.equals(reference)) {
            references.put(def.getComparisonId(), updatedReference);
        }
        ComparisonWindow compared = Comparisons.compare(def, start, end, baseline, candidates, updatedReference, factors);
        comparisonWindows.put(def.getComparisonId(), compared, start.toEpochMilli());
        context.forward(new Record<String, SpecificRecord>(def.getComparisonId(), compared, timestamp), comparisonWindowsChild);

        long streamTime = context.currentStreamTimeMs();
        for (CandidateWindow candidateWindow : compared.getCandidates()) {
            CandidateDefinition candidate = candidate(def, candidateWindow.getCandidateId());
            String key = ledgerKey(def.getComparisonId(), candidate.getCandidateId());
            LedgerState before = ledgerOf(key, def, candidate);
            Ledgers.Context ctx = context(def, candidate, before);
            LedgerState after = Ledgers.apply(withCharges(before, ctx), ctx, compared, candidateWindow, streamTime);
            publish(key, ctx, before, after, timestamp);
        }
    }

    private LedgerState ledgerOf(String key, ComparisonDefinition def, CandidateDefinition candidate) {
        LedgerState state = ledgers.get(key);
        return state == null ? Ledgers.empty(def.getComparisonId(), candidate.getCandidateId()) : state;
    }

    private Ledgers.Context context(ComparisonDefinition def, CandidateDefinition candidate, LedgerState state) {
        Charges.Charged charged = Charges.charge(state.getChargedRuns(), candidate.getRunIds(),
                runId -> GlobalTables.get(trainingRuns, StoreNames.TRAINING_RUNS, runId), footprints);
        return new Ledgers.Context(def, candidate, grace, charged, factors);
    }

    private static LedgerState withCharges(LedgerState state, Ledgers.Context ctx) {
        return ctx.footprint().runs().equals(state.getChargedRuns()) ? state
                : LedgerState.newBuilder(state).setChargedRuns(ctx.footprint().runs()).build();
    }

    private static CandidateDefinition candidate(ComparisonDefinition def, String candidateId) {
        return def.getCandidates().stream().filter(c -> c.getCandidateId().equals(candidateId)).findFirst()
                .orElseThrow(() -> new IllegalStateException("candidate " + candidateId + " not in " + def.getComparisonId()));
    }

    /** The window store's counters for one variant, as a published window; null when it had no traffic. */
    private VariantWindow window(String useCase, String modelId, Instant start, Instant end) {
        VariantKey key = new VariantKey(useCase, modelId);
        ValueAndTimestamp<VariantStats> stats = variantWindows.fetch(key, start.toEpochMilli());
        return stats == null || stats.value() == null ? null : VariantCounters.result(key, start, end, stats.value());
    }

    /** Publishes the status if it changed and the alert transitions; writes the ledger only if it changed. */
    private void publish(String key, Ledgers.Context ctx, LedgerState before, LedgerState after, long timestamp) {
        PaybackStatus status = Ledgers.status(after, ctx);
        Map<AlertRule, PaybackAlert> open = new EnumMap<>(AlertRule.class);
        for (AlertRule rule : AlertRule.values()) {
            PaybackAlert alert = openAlerts.get(alertKey(key, rule));
            if (alert != null) {
                open.put(rule, alert);
            }
        }
        // The windows closed by this update, or all of the new epoch's when it started one
        boolean sameEpoch = after.getFingerprint().equals(before.getFingerprint())
                && after.getEpochStart() == before.getEpochStart();
        long closedBefore = sameEpoch ? before.getClosedThrough() : Long.MIN_VALUE;
        for (PaybackAlert transition : AlertRules.evaluate(ctx.definition(), after, status, open, closedBefore)) {
            String alertKey = alertKey(key, AlertRule.valueOf(transition.getRule()));
            if (AlertState.FIRING.name().equals(transition.getState())) {
                openAlerts.put(alertKey, transition);
            } else {
                openAlerts.delete(alertKey);
            }
            context.forward(new Record<String, SpecificRecord>(alertKey, transition, timestamp), alertsChild);
        }
        LedgerState stored = after;
        if (!status.equals(after.getLastStatus())) {
            context.forward(new Record<String, SpecificRecord>(key, status, timestamp), statusChild);
            stored = LedgerState.newBuilder(after).setLastStatus(status).build();
        }
        if (!stored.equals(before)) {
            ledgers.put(key, stored);
        }
    }

    /**
     * Closes windows as stream time has moved on, charges runs that arrived since, and re-evaluates each ledger; a
     * ledger is written, and its status published, only when something changed.
     */
    private void refreshAll(long wallClock) {
        refreshDefinitionsIfChanged();
        List<KeyValue<String, LedgerState>> entries = new ArrayList<>();
        try (KeyValueIterator<String, LedgerState> all = ledgers.all()) {
            all.forEachRemaining(entries::add);
        }
        long streamTime = Math.max(context.currentStreamTimeMs(), 0);
        for (KeyValue<String, LedgerState> entry : entries) {
            ComparisonDefinition def = byId.get(entry.value.getComparisonId());
            if (def == null) {
                continue;
            }
            def.getCandidates().stream()
                    .filter(c -> c.getCandidateId().equals(entry.value.getCandidateId()))
                    .findFirst()
                    .ifPresent(candidate -> {
                        Ledgers.Context ctx = context(def, candidate, entry.value);
                        LedgerState inEpoch = Ledgers.inEpoch(withCharges(entry.value, ctx), ctx, streamTime);
                        publish(entry.key, ctx, entry.value, Ledgers.advance(inEpoch, ctx, streamTime), streamTime);
                    });
        }
    }

    public static String ledgerKey(String comparisonId, String candidateId) {
        return comparisonId + "/" + candidateId;
    }

    static String alertKey(String ledgerKey, AlertRule rule) {
        return ledgerKey + "/" + rule.name();
    }
}
