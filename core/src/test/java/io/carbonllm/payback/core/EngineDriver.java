package io.carbonllm.payback.core;

import io.carbonllm.payback.core.alert.AlertRule;
import io.carbonllm.payback.core.alert.AlertRules;
import io.carbonllm.payback.core.alert.AlertState;
import io.carbonllm.payback.core.compare.Comparisons;
import io.carbonllm.payback.core.ledger.Charges;
import io.carbonllm.payback.core.ledger.Ledgers;
import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.footprint.FootprintCalculator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The core calls in the order the comparison processor makes them, with its stores as maps: the trailing reference
 * is updated with the baseline's window, the window is compared, each candidate's runs are charged, its ledger applies
 * the window (closing what stream time closes), its status is computed and the alert rules get the open alerts.
 * It holds no rule of its own: every figure comes from {@link Comparisons}, {@link Charges}, {@link Ledgers} and
 * {@link AlertRules}.
 */
public final class EngineDriver {

    private ComparisonDefinition definition;
    private final Duration windowSize;
    private final Duration grace;
    private FactorTable factors = Traffic.FACTORS;
    private final Map<String, TrainingRun> runs = new HashMap<>();
    private BaselineReference reference;
    private final Map<String, LedgerState> ledgers = new HashMap<>();
    private final Map<String, PaybackStatus> statuses = new HashMap<>();
    private final Map<String, Map<AlertRule, PaybackAlert>> openAlerts = new HashMap<>();
    private final List<PaybackAlert> transitions = new ArrayList<>();

    public EngineDriver(ComparisonDefinition definition, Duration windowSize, Duration grace) {
        this.definition = definition;
        this.windowSize = windowSize;
        this.grace = grace;
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
        this.factors = table;
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

    /** A revision of the window at {@code start}, at stream time {@code streamTime}. */
    public ComparisonWindow window(Instant start, VariantWindow baseline, Map<String, VariantWindow> candidates,
                                   Instant streamTime) {
        reference = Comparisons.updateReference(reference, definition, baseline);
        ComparisonWindow compared = Comparisons.compare(definition, start, start.plus(windowSize), baseline, candidates,
                reference, factors);
        for (CandidateWindow candidate : compared.getCandidates()) {
            CandidateDefinition def = candidateDefinition(candidate.getCandidateId());
            LedgerState charged = charge(def);
            Ledgers.Context ctx = context(def, charged);
            publish(def, Ledgers.apply(charged, ctx, compared, candidate, streamTime.toEpochMilli()), ctx);
        }
        return compared;
    }

    /** Stream time moves (a record of another variant, say): windows whose end + grace has passed close. */
    public void advance(Instant streamTime) {
        for (CandidateDefinition def : definition.getCandidates()) {
            LedgerState charged = charge(def);
            Ledgers.Context ctx = context(def, charged);
            publish(def, Ledgers.advance(charged, ctx, streamTime.toEpochMilli()), ctx);
        }
    }

    public PaybackStatus status() {
        return status(definition.getCandidates().get(0).getCandidateId());
    }

    public PaybackStatus status(String candidateId) {
        return statuses.get(candidateId);
    }

    public LedgerState ledger() {
        return ledger(definition.getCandidates().get(0).getCandidateId());
    }

    public LedgerState ledger(String candidateId) {
        return ledgers.get(candidateId);
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
        return openAlerts.getOrDefault(definition.getCandidates().get(0).getCandidateId(), Map.of()).containsKey(rule);
    }

    private CandidateDefinition candidateDefinition(String candidateId) {
        return definition.getCandidates().stream().filter(c -> c.getCandidateId().equals(candidateId)).findFirst()
                .orElseThrow();
    }

    /** The candidate's ledger with its runs charged: those already priced at their version are kept as priced. */
    private LedgerState charge(CandidateDefinition def) {
        LedgerState state = ledgers.getOrDefault(def.getCandidateId(),
                Ledgers.empty(definition.getComparisonId(), def.getCandidateId()));
        Charges.Charged footprint = footprint(def, state);
        return LedgerState.newBuilder(state).setChargedRuns(footprint.runs()).build();
    }

    private Charges.Charged footprint(CandidateDefinition def, LedgerState state) {
        return Charges.charge(state.getChargedRuns(), def.getRunIds(), runs::get, new FootprintCalculator(factors));
    }

    private Ledgers.Context context(CandidateDefinition def, LedgerState charged) {
        return new Ledgers.Context(definition, def, grace, footprint(def, charged), factors);
    }

    private void publish(CandidateDefinition def, LedgerState state, Ledgers.Context ctx) {
        PaybackStatus status = Ledgers.status(state, ctx);
        Map<AlertRule, PaybackAlert> open = openAlerts.computeIfAbsent(def.getCandidateId(),
                id -> new EnumMap<>(AlertRule.class));
        for (PaybackAlert transition : AlertRules.evaluate(definition, state, status, open)) {
            AlertRule rule = AlertRule.valueOf(transition.getRule());
            if (AlertState.FIRING.name().equals(transition.getState())) {
                open.put(rule, transition);
            } else {
                open.remove(rule);
            }
            transitions.add(transition);
        }
        statuses.put(def.getCandidateId(), status);
        ledgers.put(def.getCandidateId(), LedgerState.newBuilder(state).setLastStatus(status).build());
    }
}
