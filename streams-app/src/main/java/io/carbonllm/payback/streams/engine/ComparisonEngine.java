package io.carbonllm.payback.streams.engine;

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
import io.carbonllm.payback.methodology.footprint.Footprint;
import io.carbonllm.payback.methodology.footprint.FootprintCalculator;
import io.carbonllm.payback.methodology.footprint.OneOffRun;
import io.carbonllm.payback.methodology.footprint.RunKind;
import io.carbonllm.payback.core.alert.AlertRule;
import io.carbonllm.payback.core.alert.AlertRules;
import io.carbonllm.payback.core.compare.Comparisons;
import io.carbonllm.payback.streams.energy.FactorSnapshot;
import io.carbonllm.payback.core.ledger.Ledgers;
import io.carbonllm.payback.streams.state.GlobalTables;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.core.window.VariantCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Compares, amortizes and alerts: on every revision of a variant's window it recomputes the comparison windows of
 * the use case's comparisons, applies each candidate's contribution to its ledger (the difference only, so a window
 * counts once), publishes the status when it changes, and the alert transitions. A wall-clock punctuation refreshes
 * footprints, so a training run that arrives after the traffic is charged without waiting for more traffic.
 *
 * <p>Everything about a use case is on one partition (see {@code UseCasePartitioner}), so this is all local state.
 * The decisions themselves are plain Java: {@link Comparisons}, {@link Ledgers}, {@link AlertRules}.
 */
public final class ComparisonEngine implements Processor<String, VariantWindow, String, SpecificRecord> {

    private final Duration windowSize;
    private final Duration grace;
    private final Duration refreshInterval;
    private final FactorTable baseFactors;
    private FootprintCalculator footprints;
    private TimestampedKeyValueStore<String, FactorUpdate> factors;

    private ProcessorContext<String, SpecificRecord> context;
    private TimestampedWindowStore<VariantKey, VariantStats> variantWindows;
    private TimestampedKeyValueStore<String, ComparisonDefinition> comparisons;
    private TimestampedKeyValueStore<String, TrainingRun> trainingRuns;
    private KeyValueStore<String, LedgerState> ledger;
    private KeyValueStore<String, BaselineReference> references;
    private KeyValueStore<String, PaybackAlert> openAlerts;
    private WindowStore<String, ComparisonWindow> comparisonWindows;

    public ComparisonEngine(Duration windowSize, Duration grace, Duration refreshInterval, FactorTable baseFactors) {
        this.windowSize = windowSize;
        this.grace = grace;
        this.refreshInterval = refreshInterval;
        this.baseFactors = baseFactors;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        variantWindows = context.getStateStore(StoreNames.VARIANT_WINDOWS);
        comparisons = context.getStateStore(StoreNames.COMPARISONS);
        trainingRuns = context.getStateStore(StoreNames.TRAINING_RUNS);
        ledger = context.getStateStore(StoreNames.PAYBACK_LEDGER);
        references = context.getStateStore(StoreNames.BASELINE_REFERENCES);
        openAlerts = context.getStateStore(StoreNames.OPEN_ALERTS);
        comparisonWindows = context.getStateStore(StoreNames.COMPARISON_WINDOWS);
        factors = context.getStateStore(StoreNames.FACTORS);
        footprints = new FootprintCalculator(FactorSnapshot.of(baseFactors, factors));
        context.schedule(refreshInterval, PunctuationType.WALL_CLOCK_TIME, this::refreshAll);
    }

    @Override
    public void process(Record<String, VariantWindow> record) {
        VariantWindow updated = record.value();
        if (updated == null) {
            return;
        }
        for (ComparisonDefinition def : comparisonsOf(updated.getUseCase())) {
            if (involves(def, updated.getModelId())) {
                evaluate(def, updated.getWindowStart(), updated.getWindowEnd(), record.timestamp());
            }
        }
    }

    private List<ComparisonDefinition> comparisonsOf(String useCase) {
        List<ComparisonDefinition> result = new ArrayList<>();
        for (KeyValue<String, ComparisonDefinition> kv : GlobalTables.readAll(comparisons, StoreNames.COMPARISONS)) {
            if (kv.value.getUseCase().equals(useCase)) {
                result.add(kv.value);
            }
        }
        return result;
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
        BaselineReference updatedReference = Comparisons.updateReference(
                reference == null ? BaselineReference.newBuilder().build() : reference, def, baseline, keepWindows(def));
        if (!updatedReference.equals(reference)) {
            references.put(def.getComparisonId(), updatedReference);
        }
        ComparisonWindow compared = Comparisons.compare(def, start, end, baseline, candidates, updatedReference);
        comparisonWindows.put(def.getComparisonId(), compared, start.toEpochMilli());
        context.forward(new Record<>(def.getComparisonId(), compared, timestamp));

        for (CandidateWindow candidate : compared.getCandidates()) {
            CandidateDefinition definition = def.getCandidates().stream()
                    .filter(c -> c.getCandidateId().equals(candidate.getCandidateId())).findFirst().orElseThrow();
            String key = ledgerKey(def.getComparisonId(), candidate.getCandidateId());
            LedgerState state = ledger.get(key);
            LedgerState applied = Ledgers.apply(state == null ? Ledgers.empty(def.getComparisonId(), candidate.getCandidateId()) : state,
                    def, compared, candidate, keepWindows(def));
            publish(def, definition, key, applied, timestamp);
        }
    }

    /** The window store's counters for one variant, as a published window; null when it had no traffic. */
    private VariantWindow window(String useCase, String modelId, Instant start, Instant end) {
        VariantKey key = new VariantKey(useCase, modelId);
        ValueAndTimestamp<VariantStats> stats = variantWindows.fetch(key, start.toEpochMilli());
        return stats == null || stats.value() == null ? null : VariantCounters.result(key, start, end, stats.value());
    }

    /** Recomputes the status with the current footprint, publishes it if it changed, and the alert transitions. */
    private void publish(ComparisonDefinition def, CandidateDefinition candidate, String key, LedgerState state, long timestamp) {
        List<String> missing = new ArrayList<>();
        Footprint footprint = footprintOf(candidate, missing);
        PaybackStatus status = Ledgers.status(state, def, candidate, footprint, missing, windowSize);

        Map<AlertRule, PaybackAlert> open = new EnumMap<>(AlertRule.class);
        for (AlertRule rule : AlertRule.values()) {
            PaybackAlert alert = openAlerts.get(alertKey(key, rule));
            if (alert != null) {
                open.put(rule, alert);
            }
        }
        for (PaybackAlert transition : AlertRules.evaluate(def, state, status, open)) {
            String alertKey = alertKey(key, AlertRule.valueOf(transition.getRule()));
            if ("FIRING".equals(transition.getState())) {
                openAlerts.put(alertKey, transition);
            } else {
                openAlerts.delete(alertKey);
            }
            context.forward(new Record<>(alertKey, transition, timestamp));
        }
        LedgerState stored = state;
        if (!status.equals(state.getLastStatus())) {
            context.forward(new Record<>(key, status, timestamp));
            stored = LedgerState.newBuilder(state).setLastStatus(status).build();
        }
        ledger.put(key, stored);
    }

    private Footprint footprintOf(CandidateDefinition candidate, List<String> missing) {
        Footprint total = Footprint.NONE;
        for (String runId : candidate.getRunIds()) {
            TrainingRun run = GlobalTables.get(trainingRuns, StoreNames.TRAINING_RUNS, runId);
            if (run == null) {
                missing.add(runId);
            } else {
                total = total.plus(footprints.of(toOneOffRun(run)));
            }
        }
        return total;
    }

    static OneOffRun toOneOffRun(TrainingRun run) {
        RunKind kind;
        try {
            kind = RunKind.valueOf(run.getKind().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            kind = RunKind.OTHER;
        }
        return new OneOffRun(run.getRunId(), kind, run.getGpuCount() * run.getHours(), run.getAvgPowerWPerGpu(),
                run.getPue(), Math.max(1.0, run.getOverheadFactor()), run.getMeteredKwh(), run.getRegion(),
                run.getStartedAt(), run.getEmbodiedGPerGpuHour());
    }

    /** Charges runs that arrived since the last window, and re-evaluates the horizon, for every ledger. */
    private void refreshAll(long wallClock) {
        footprints = new FootprintCalculator(FactorSnapshot.of(baseFactors, factors));
        List<KeyValue<String, LedgerState>> entries = new ArrayList<>();
        try (KeyValueIterator<String, LedgerState> all = ledger.all()) {
            all.forEachRemaining(entries::add);
        }
        for (KeyValue<String, LedgerState> entry : entries) {
            ComparisonDefinition def = GlobalTables.get(comparisons, StoreNames.COMPARISONS, entry.value.getComparisonId());
            if (def == null) {
                continue;
            }
            def.getCandidates().stream()
                    .filter(c -> c.getCandidateId().equals(entry.value.getCandidateId()))
                    .findFirst()
                    .ifPresent(candidate -> publish(def, candidate, entry.key, entry.value,
                            Math.max(context.currentStreamTimeMs(), 0)));
        }
    }

    /** Enough windows for the saving-rate look-back, the alert streaks, and every window still open to revision. */
    private int keepWindows(ComparisonDefinition def) {
        int openWindows = (int) Math.min(1000, grace.toMillis() / Math.max(1, windowSize.toMillis()) + 2);
        return Math.max(def.getSavingRateLookbackWindows(),
                def.getFireAfterWindows() + def.getResolveAfterWindows()) + openWindows;
    }

    public static String ledgerKey(String comparisonId, String candidateId) {
        return comparisonId + "/" + candidateId;
    }

    static String alertKey(String ledgerKey, AlertRule rule) {
        return ledgerKey + "/" + rule.name();
    }
}
