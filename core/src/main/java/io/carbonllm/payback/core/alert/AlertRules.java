package io.carbonllm.payback.core.alert;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.WindowContribution;
import io.carbonllm.payback.core.ledger.PaybackState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides alert transitions. A window rule fires when it held in the last {@code fireAfterWindows} windows in which
 * it could be evaluated, and resolves when it did not hold in the last {@code resolveAfterWindows}. Each transition
 * is returned once: the caller keeps the open alerts, so nothing fires twice. Plain Java, no Kafka.
 */
public final class AlertRules {

    private AlertRules() {
    }

    /** The transitions given the ledger, its status and the alerts open now (by rule). */
    public static List<PaybackAlert> evaluate(ComparisonDefinition def, LedgerState ledger, PaybackStatus status,
                                              Map<AlertRule, PaybackAlert> open) {
        List<WindowContribution> windows = new ArrayList<>(ledger.getWindows().values());
        windows.sort(Comparator.comparingLong(WindowContribution::getWindowStart));
        List<PaybackAlert> transitions = new ArrayList<>();
        windowRule(def, ledger, windows, open, AlertRule.NOT_SAVING, WindowContribution::getNotSaving,
                "energy per successful task is at or above the baseline's", transitions);
        windowRule(def, ledger, windows, open, AlertRule.QUALITY_BELOW_BAR, WindowContribution::getQualityBelowBar,
                "success rate is below the quality bar", transitions);
        windowRule(def, ledger, windows, open, AlertRule.NO_CANDIDATE_TRAFFIC, WindowContribution::getNoCandidateTraffic,
                "the candidate gets no traffic while the baseline does", transitions);
        horizonRule(ledger, status, windows, open, transitions);
        return transitions;
    }

    private static void windowRule(ComparisonDefinition def, LedgerState ledger, List<WindowContribution> windows,
                                   Map<AlertRule, PaybackAlert> open, AlertRule rule,
                                   Function<WindowContribution, Boolean> holds, String what,
                                   List<PaybackAlert> transitions) {
        List<WindowContribution> evaluable = windows.stream().filter(w -> holds.apply(w) != null).toList();
        if (evaluable.isEmpty()) {
            return;
        }
        WindowContribution latest = evaluable.get(evaluable.size() - 1);
        PaybackAlert current = open.get(rule);
        if (current == null) {
            int n = Math.max(1, def.getFireAfterWindows());
            if (evaluable.size() >= n && evaluable.subList(evaluable.size() - n, evaluable.size()).stream().allMatch(holds::apply)) {
                transitions.add(alert(ledger, rule, "FIRING", latest, null,
                        what + " in the last " + n + " window(s)", figures(evaluable.subList(evaluable.size() - n, evaluable.size()))));
            }
        } else {
            int n = Math.max(1, def.getResolveAfterWindows());
            if (evaluable.size() >= n && evaluable.subList(evaluable.size() - n, evaluable.size()).stream().noneMatch(holds::apply)
                    && latest.getWindowStart() > current.getWindowStart().toEpochMilli()) {
                transitions.add(resolved(current, latest, "no longer: " + what + " held in none of the last " + n
                        + " window(s)", figures(evaluable.subList(evaluable.size() - n, evaluable.size()))));
            }
        }
    }

    private static void horizonRule(LedgerState ledger, PaybackStatus status, List<WindowContribution> windows,
                                    Map<AlertRule, PaybackAlert> open, List<PaybackAlert> transitions) {
        if (windows.isEmpty()) {
            return;
        }
        WindowContribution latest = windows.get(windows.size() - 1);
        boolean beyond = PaybackState.WONT_PAY_BACK_IN_HORIZON.name().equals(status.getStatus());
        Map<String, Double> figures = new LinkedHashMap<>();
        if (status.getProjectedBreakEvenAt() != null) {
            figures.put("projectedBreakEvenAtEpochMs", (double) status.getProjectedBreakEvenAt().toEpochMilli());
        }
        if (status.getHorizonEnd() != null) {
            figures.put("horizonEndEpochMs", (double) status.getHorizonEnd().toEpochMilli());
        }
        if (status.getRecentSavingWhPerDay() != null) {
            figures.put("recentSavingWhPerDay", status.getRecentSavingWhPerDay());
        }
        figures.put("remainingWh", status.getFootprintKwh() * 1000 - status.getCumulativeSavingWh());
        PaybackAlert current = open.get(AlertRule.BREAK_EVEN_BEYOND_HORIZON);
        if (beyond && current == null) {
            transitions.add(alert(ledger, AlertRule.BREAK_EVEN_BEYOND_HORIZON, "FIRING", latest, null,
                    "the projected break-even is past the horizon", figures));
        } else if (!beyond && current != null && !PaybackState.INSUFFICIENT_DATA.name().equals(status.getStatus())) {
            transitions.add(resolved(current, latest, "the projected break-even is within the horizon again ("
                    + status.getStatus() + ")", figures));
        }
    }

    private static Map<String, Double> figures(List<WindowContribution> windows) {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (WindowContribution w : windows) {
            if (w.getSavingWhPerTask() != null) {
                figures.put("savingWhPerSuccessfulTask@" + Instant.ofEpochMilli(w.getWindowStart()), w.getSavingWhPerTask());
            }
            figures.put("successfulTasks@" + Instant.ofEpochMilli(w.getWindowStart()), (double) w.getSuccessfulTasks());
        }
        return figures;
    }

    private static PaybackAlert alert(LedgerState ledger, AlertRule rule, String state, WindowContribution window,
                                      Instant resolvedAt, String message, Map<String, Double> figures) {
        return PaybackAlert.newBuilder()
                .setComparisonId(ledger.getComparisonId())
                .setCandidateId(ledger.getCandidateId())
                .setRule(rule.name())
                .setState(state)
                .setFiredAt(Instant.ofEpochMilli(window.getWindowEnd()))
                .setResolvedAt(resolvedAt)
                .setWindowStart(Instant.ofEpochMilli(window.getWindowStart()))
                .setMessage(ledger.getCandidateId() + ": " + message)
                .setFigures(figures)
                .build();
    }

    private static PaybackAlert resolved(PaybackAlert open, WindowContribution window, String message,
                                         Map<String, Double> figures) {
        return PaybackAlert.newBuilder(open)
                .setState("RESOLVED")
                .setResolvedAt(Instant.ofEpochMilli(window.getWindowEnd()))
                .setWindowStart(Instant.ofEpochMilli(window.getWindowStart()))
                .setMessage(open.getCandidateId() + ": " + message)
                .setFigures(figures)
                .build();
    }
}
