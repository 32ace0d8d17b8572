package io.carbonllm.payback.core;

import io.carbonllm.payback.core.alert.AlertRule;
import io.carbonllm.payback.core.engine.EngineOutput;
import io.carbonllm.payback.core.engine.EngineState;
import io.carbonllm.payback.core.engine.PaybackEngine;
import io.carbonllm.payback.core.engine.Pricing;
import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.facility.FactorTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The payback engine as the streams app runs it ({@link PaybackEngine}), with its stores as maps: every figure comes
 * from the production step, none from this driver. Windows are published as the window store would hold them, then
 * the step runs for that window; {@link #advance} is the wall-clock refresh after stream time moved on.
 */
public final class EngineDriver {

    private ComparisonDefinition definition;
    private final Duration windowSize;
    private Pricing pricing = Pricing.of(Traffic.FACTORS);
    private final PaybackEngine engine;
    private final Map<String, TrainingRun> runs = new HashMap<>();
    private final Map<String, VariantWindow> windows = new HashMap<>();
    private final Map<String, BaselineReference> references = new HashMap<>();
    private final Map<String, LedgerState> ledgers = new HashMap<>();
    private final Map<String, PaybackAlert> openAlerts = new HashMap<>();
    private final Map<String, PaybackStatus> statuses = new HashMap<>();
    private final List<PaybackAlert> transitions = new ArrayList<>();
    private final List<ComparisonWindow> comparisonWindows = new ArrayList<>();

    public EngineDriver(ComparisonDefinition definition, Duration windowSize, Duration grace) {
        this.definition = definition;
        this.windowSize = windowSize;
        Stores stores = new Stores();
        this.engine = new PaybackEngine(grace, stores, stores);
    }

    /** Publishes (or corrects) a run on training-runs. */
    public EngineDriver run(TrainingRun run) {
        runs.put(run.getRunId(), run);
        return this;
    }

    /** Publishes an edited definition on the comparisons topic. */
    public EngineDriver define(ComparisonDefinition edited) {
        this.definition = edited;
        return this;
    }

    /** The factor table in use from now on (say, after a corrected factor arrives on the factors topic). */
    public EngineDriver factors(FactorTable table) {
        this.pricing = Pricing.of(table);
        return this;
    }

    /** A revision of the window at {@code start} with one candidate, at stream time {@code streamTime}. */
    public ComparisonWindow window(Instant start, VariantWindow baseline, VariantWindow candidate, Instant streamTime) {
        Map<String, VariantWindow> candidates = new HashMap<>();
        if (candidate != null) {
            candidates.put(definition.getCandidates().get(0).getCandidateId(), candidate);
        }
        return window(start, baseline, candidates, streamTime);
    }

    /**
     * A revision of the window at {@code start}, at stream time {@code streamTime}: the window store holds these
     * figures (a null removes a variant's), and the step runs. Returns the comparison window published for it.
     */
    public ComparisonWindow window(Instant start, VariantWindow baseline, Map<String, VariantWindow> candidates,
                                   Instant streamTime) {
        windows.put(windowKey(definition.getBaselineModel(), start), baseline);
        for (CandidateDefinition c : definition.getCandidates()) {
            windows.put(windowKey(c.getModelId(), start), candidates.get(c.getCandidateId()));
        }
        engine.windowRevised(definition, start, start.plus(windowSize), streamTime.toEpochMilli(), pricing);
        return comparisonWindows.stream().filter(w -> w.getWindowStart().equals(start))
                .reduce((first, second) -> second).orElseThrow();
    }

    /** Stream time moved on (a record of another variant, say) and the ledger refresh ran. */
    public void advance(Instant streamTime) {
        for (Map.Entry<String, LedgerState> entry : new TreeMap<>(ledgers).entrySet()) {
            engine.refresh(entry.getKey(), entry.getValue(), definition, streamTime.toEpochMilli(), pricing);
        }
    }

    /** The comparison was deleted, and the ledger refresh ran. */
    public void delete(Instant streamTime) {
        for (Map.Entry<String, LedgerState> entry : new TreeMap<>(ledgers).entrySet()) {
            engine.refresh(entry.getKey(), entry.getValue(), null, streamTime.toEpochMilli(), pricing);
        }
    }

    public PaybackStatus status() {
        return status(definition.getCandidates().get(0).getCandidateId());
    }

    public PaybackStatus status(String candidateId) {
        return statuses.get(PaybackEngine.ledgerKey(definition.getComparisonId(), candidateId));
    }

    /** Whether the status topic holds a value (not a tombstone) for the candidate. */
    public boolean hasStatus(String candidateId) {
        return statuses.get(PaybackEngine.ledgerKey(definition.getComparisonId(), candidateId)) != null;
    }

    public LedgerState ledger() {
        return ledger(definition.getCandidates().get(0).getCandidateId());
    }

    public LedgerState ledger(String candidateId) {
        return ledgers.get(PaybackEngine.ledgerKey(definition.getComparisonId(), candidateId));
    }

    /** Every comparison window published so far, revisions included, in order. */
    public List<ComparisonWindow> comparisonWindows() {
        return List.copyOf(comparisonWindows);
    }

    /** Every alert transition published so far, in order. */
    public List<PaybackAlert> transitions() {
        return List.copyOf(transitions);
    }

    /** The transitions of one rule, as "STATE@windowStart". */
    public List<String> transitions(AlertRule rule) {
        return transitions.stream().filter(a -> a.getRule().equals(rule.name()))
                .map(a -> a.getState() + "@" + a.getWindowStart()).toList();
    }

    public boolean isOpen(AlertRule rule) {
        String ledger = PaybackEngine.ledgerKey(definition.getComparisonId(), definition.getCandidates().get(0).getCandidateId());
        return openAlerts.containsKey(PaybackEngine.alertKey(ledger, rule));
    }

    private static String windowKey(String modelId, Instant start) {
        return modelId + "@" + start;
    }

    /** The stores and the sinks, as maps. */
    private final class Stores implements EngineState, EngineOutput {

        @Override
        public VariantWindow window(String useCase, String modelId, Instant start, Instant end) {
            return windows.get(windowKey(modelId, start));
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
            references.remove(comparisonId);
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
            ledgers.remove(key);
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
            openAlerts.remove(key);
        }

        @Override
        public void putComparisonWindow(String comparisonId, ComparisonWindow window) {
            // the window store; the published records are kept by comparisonWindow()
        }

        @Override
        public TrainingRun trainingRun(String runId) {
            return runs.get(runId);
        }

        // EngineOutput

        @Override
        public void comparisonWindow(String comparisonId, ComparisonWindow window) {
            comparisonWindows.add(window);
        }

        @Override
        public void status(String ledgerKey, PaybackStatus status) {
            statuses.put(ledgerKey, status);
        }

        @Override
        public void alert(String alertKey, PaybackAlert transition) {
            transitions.add(transition);
        }
    }
}
