package io.carbonllm.payback.core.engine;

import io.carbonllm.payback.core.alert.AlertRule;
import io.carbonllm.payback.core.alert.AlertRules;
import io.carbonllm.payback.core.alert.AlertState;
import io.carbonllm.payback.core.compare.BaselineSource;
import io.carbonllm.payback.core.compare.Comparisons;
import io.carbonllm.payback.core.ledger.Charges;
import io.carbonllm.payback.core.ledger.LedgerChanges;
import io.carbonllm.payback.core.ledger.Ledgers;
import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.events.WindowContribution;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One step of the payback engine, as the streams app's processor and the tests both run it: a window revised, or a
 * ledger refreshed. It reads and writes {@link EngineState}, publishes to {@link EngineOutput}, and holds no rule of its
 * own: the figures come from {@link Comparisons}, {@link Charges}, {@link Ledgers} and {@link AlertRules}.
 *
 * <ul>
 *   <li>A revised baseline window that changes the trailing reference re-compares the later windows still open that
 *       rest on that reference (or were unpriced for want of one), so a window's saving does not depend on the order
 *       in which baseline revisions arrive while it is open.</li>
 *   <li>A ledger is written, and its status published, only when they changed.</li>
 *   <li>A ledger whose comparison was deleted, whose candidate was removed, or whose comparison moved to another use
 *       case (and so to another partition) is retired: its open alerts resolve, saying why, and its state is deleted;
 *       a deleted one's status is tombstoned.</li>
 * </ul>
 */
public final class PaybackEngine {

    private final Duration grace;
    private final EngineState state;
    private final EngineOutput out;

    public PaybackEngine(Duration grace, EngineState state, EngineOutput out) {
        this.grace = grace;
        this.state = state;
        this.out = out;
    }

    public static String ledgerKey(String comparisonId, String candidateId) {
        return comparisonId + "/" + candidateId;
    }

    public static String alertKey(String ledgerKey, AlertRule rule) {
        return ledgerKey + "/" + rule.name();
    }

    /** The window [start, end) of a variant of {@code def} was revised, at {@code streamTime}. */
    public void windowRevised(ComparisonDefinition def, Instant start, Instant end, long streamTime, Pricing pricing) {
        VariantWindow baseline = state.window(def.getUseCase(), def.getBaselineModel(), start, end);
        BaselineReference before = state.reference(def.getComparisonId());
        BaselineReference reference = Comparisons.updateReference(before, def, baseline);
        boolean referenceChanged = !reference.equals(before);
        if (referenceChanged) {
            state.putReference(def.getComparisonId(), reference);
        }
        compareAndApply(def, start, end, reference, streamTime, pricing);
        if (referenceChanged) {
            // Later open windows priced from the trailing reference (or unpriced for want of one) are priced again
            for (Map.Entry<Long, Long> later : openWindowsOnTheTrailingReference(def, start.toEpochMilli()).entrySet()) {
                compareAndApply(def, Instant.ofEpochMilli(later.getKey()), Instant.ofEpochMilli(later.getValue()),
                        reference, streamTime, pricing);
            }
        }
    }

    private void compareAndApply(ComparisonDefinition def, Instant start, Instant end, BaselineReference reference,
                                 long streamTime, Pricing pricing) {
        VariantWindow baseline = state.window(def.getUseCase(), def.getBaselineModel(), start, end);
        Map<String, VariantWindow> candidates = new HashMap<>();
        for (CandidateDefinition c : def.getCandidates()) {
            VariantWindow w = state.window(def.getUseCase(), c.getModelId(), start, end);
            if (w != null) {
                candidates.put(c.getCandidateId(), w);
            }
        }
        ComparisonWindow compared = Comparisons.compare(def, start, end, baseline, candidates, reference, pricing.factors());
        state.putComparisonWindow(def.getComparisonId(), compared);
        out.comparisonWindow(def.getComparisonId(), compared);
        for (CandidateWindow candidateWindow : compared.getCandidates()) {
            CandidateDefinition candidate = candidate(def, candidateWindow.getCandidateId()).orElseThrow();
            String key = ledgerKey(def.getComparisonId(), candidate.getCandidateId());
            LedgerState before = ledgerOf(key, def, candidate);
            Ledgers.Context ctx = context(def, candidate, before, pricing);
            LedgerState revised = Ledgers.revise(withCharges(before, ctx), ctx, compared, candidateWindow);
            settle(key, ctx, before, revised, streamTime);
        }
    }

    /**
     * A window whose figure depends on the reference: priced from it, left unpriced for want of it, or pinned (a pin is
     * priced where the reference says the baseline last ran).
     */
    private static boolean restsOnTheReference(WindowContribution window) {
        return !BaselineSource.WINDOW.name().equals(window.getBaselineSource());
    }

    /** The open windows after {@code after} whose figures rest on the trailing reference (or lack one): start to end. */
    private Map<Long, Long> openWindowsOnTheTrailingReference(ComparisonDefinition def, long after) {
        Map<Long, Long> windows = new TreeMap<>();
        for (CandidateDefinition c : def.getCandidates()) {
            LedgerState ledger = state.ledger(ledgerKey(def.getComparisonId(), c.getCandidateId()));
            if (ledger == null) {
                continue;
            }
            for (WindowContribution w : ledger.getOpenWindows().values()) {
                if (w.getWindowStart() > after && restsOnTheReference(w)) {
                    windows.put(w.getWindowStart(), w.getWindowEnd());
                }
            }
        }
        return windows;
    }

    /**
     * Stream time moved on (or a run arrived): the ledger under {@code key} closes the windows whose grace has passed
     * and charges its runs as they are now. {@code def} is the current definition of its comparison, or null when it
     * was deleted. A ledger whose definition changed its models waits for its next window to start a new epoch.
     */
    public void refresh(String key, LedgerState ledger, ComparisonDefinition def, long streamTime, Pricing pricing) {
        if (def == null) {
            retire(key, ledger, "comparison " + ledger.getComparisonId() + " was deleted", true, streamTime);
            state.deleteReference(ledger.getComparisonId());
            return;
        }
        Optional<CandidateDefinition> candidate = candidate(def, ledger.getCandidateId());
        if (candidate.isEmpty()) {
            retire(key, ledger, "candidate " + ledger.getCandidateId() + " was removed from comparison "
                    + def.getComparisonId(), true, streamTime);
            return;
        }
        String useCase = Ledgers.useCaseOf(ledger);
        if (useCase != null && !useCase.equals(def.getUseCase())) {
            // The comparison's ledger now lives with the new use case, on its partition: this copy is retired quietly
            retire(key, ledger, "comparison " + def.getComparisonId() + " moved to use case " + def.getUseCase(), false,
                    streamTime);
            state.deleteReference(def.getComparisonId());
            return;
        }
        if (!ledger.getFingerprint().isEmpty() && !ledger.getFingerprint().equals(Ledgers.fingerprint(def, candidate.get()))) {
            return;
        }
        Ledgers.Context ctx = context(def, candidate.get(), ledger, pricing);
        settle(key, ctx, ledger, withCharges(ledger, ctx), streamTime);
    }

    private void retire(String key, LedgerState ledger, String why, boolean tombstone, long streamTime) {
        for (AlertRule rule : AlertRule.values()) {
            String alertKey = alertKey(key, rule);
            PaybackAlert open = state.openAlert(alertKey);
            if (open != null) {
                state.deleteOpenAlert(alertKey);
                out.alert(alertKey, AlertRules.retired(open, why, Instant.ofEpochMilli(streamTime)));
            }
        }
        state.deleteLedger(key);
        if (tombstone) {
            out.status(key, null);
        }
    }

    private LedgerState ledgerOf(String key, ComparisonDefinition def, CandidateDefinition candidate) {
        LedgerState ledger = state.ledger(key);
        return ledger == null ? Ledgers.empty(def.getComparisonId(), candidate.getCandidateId()) : ledger;
    }

    private Ledgers.Context context(ComparisonDefinition def, CandidateDefinition candidate, LedgerState ledger,
                                    Pricing pricing) {
        Charges.Charged charged = Charges.charge(ledger.getChargedRuns(), candidate.getRunIds(), state::trainingRun,
                pricing.footprints());
        return new Ledgers.Context(def, candidate, grace, charged, pricing.factors());
    }

    private static LedgerState withCharges(LedgerState ledger, Ledgers.Context ctx) {
        return ctx.footprint().runs().equals(ledger.getChargedRuns()) ? ledger
                : LedgerChanges.with(ledger, l -> l.setChargedRuns(ctx.footprint().runs()));
    }

    private static Optional<CandidateDefinition> candidate(ComparisonDefinition def, String candidateId) {
        return def.getCandidates().stream().filter(c -> c.getCandidateId().equals(candidateId)).findFirst();
    }

    /**
     * Closes the windows whose grace has passed one at a time, with the alert rules evaluated after each (so a streak
     * that held when one of several windows closed still fires, though the ledger keeps only what it needs); then
     * publishes the status if it changed, and writes the ledger only if it changed from {@code before}.
     */
    private void settle(String key, Ledgers.Context ctx, LedgerState before, LedgerState revised, long streamTime) {
        Map<AlertRule, PaybackAlert> open = new EnumMap<>(AlertRule.class);
        for (AlertRule rule : AlertRule.values()) {
            PaybackAlert alert = state.openAlert(alertKey(key, rule));
            if (alert != null) {
                open.put(rule, alert);
            }
        }
        // A new epoch's windows are all new to the rules
        boolean sameEpoch = revised.getFingerprint().equals(before.getFingerprint())
                && revised.getEpochStart() == before.getEpochStart();
        LedgerState current = revised;
        long closedBefore = sameEpoch ? before.getClosedThrough() : Long.MIN_VALUE;
        for (LedgerState next = Ledgers.closeNext(current, ctx, streamTime); next != current;
             next = Ledgers.closeNext(current, ctx, streamTime)) {
            PaybackStatus stepStatus = Ledgers.status(next, ctx);
            for (PaybackAlert transition : AlertRules.evaluate(ctx.definition(), next, stepStatus, open, closedBefore)) {
                AlertRule rule = AlertRule.valueOf(transition.getRule());
                String alertKey = alertKey(key, rule);
                if (AlertState.FIRING.name().equals(transition.getState())) {
                    open.put(rule, transition);
                    state.putOpenAlert(alertKey, transition);
                } else {
                    open.remove(rule);
                    state.deleteOpenAlert(alertKey);
                }
                out.alert(alertKey, transition);
            }
            closedBefore = next.getClosedThrough();
            current = next;
        }
        PaybackStatus status = Ledgers.status(current, ctx);
        LedgerState stored = current;
        if (!status.equals(current.getLastStatus())) {
            out.status(key, status);
            stored = LedgerChanges.with(current, l -> l.setLastStatus(status));
        }
        if (!stored.equals(before)) {
            state.putLedger(key, stored);
        }
    }
}
