package io.carbonllm.payback.core.alert;

import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.WindowContribution;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Decides alert transitions from the ledger's closed windows only: a window still open to revision is not yet one of
 * the N. A rule fires when it held in each of the last {@code fireAfterWindows} closed windows in which it could be
 * evaluated, and resolves when it held in none of the last {@code resolveAfterWindows}, later than the window that
 * fired it. {@link AlertRule#BREAK_EVEN_BEYOND_HORIZON} follows the same streaks, over where the projection stood as
 * each window closed: it resolves only when the projection is back inside the horizon (or paid back), never because
 * the candidate stopped saving. Each transition is returned once: the caller keeps the open alerts.
 */
public final class AlertRules {

    private AlertRules() {
    }

    /**
     * The transitions given the ledger, its status and the alerts open now (by rule), evaluated once per window
     * closed since {@code closedThroughBefore}, in order: when several windows close at once (a restart, a burst of
     * stream time), a streak that held when one of them closed still fires, and may resolve again within the batch.
     */
    public static List<PaybackAlert> evaluate(ComparisonDefinition def, LedgerState ledger, PaybackStatus status,
                                              Map<AlertRule, PaybackAlert> open, long closedThroughBefore) {
        List<WindowContribution> closed = ledger.getRecentClosed();
        Map<AlertRule, PaybackAlert> current = new EnumMap<>(AlertRule.class);
        current.putAll(open);
        List<PaybackAlert> transitions = new ArrayList<>();
        for (int i = 0; i < closed.size(); i++) {
            if (closed.get(i).getWindowEnd() <= closedThroughBefore) {
                continue;
            }
            List<PaybackAlert> step = evaluateAt(def, ledger, closed.subList(0, i + 1), status, current);
            for (PaybackAlert transition : step) {
                AlertRule rule = AlertRule.valueOf(transition.getRule());
                if (AlertState.FIRING.name().equals(transition.getState())) {
                    current.put(rule, transition);
                } else {
                    current.remove(rule);
                }
            }
            transitions.addAll(step);
        }
        return transitions;
    }

    private static List<PaybackAlert> evaluateAt(ComparisonDefinition def, LedgerState ledger,
                                                 List<WindowContribution> closed, PaybackStatus status,
                                                 Map<AlertRule, PaybackAlert> open) {
        List<PaybackAlert> transitions = new ArrayList<>();
        rule(def, ledger, closed, open, AlertRule.NOT_SAVING, WindowContribution::getNotSaving,
                "the saving per successful task is zero or less (" + status.getBasis() + ")", Map.of(), transitions);
        rule(def, ledger, closed, open, AlertRule.QUALITY_BELOW_BAR, WindowContribution::getQualityBelowBar,
                "success rate is below the quality bar", Map.of(), transitions);
        rule(def, ledger, closed, open, AlertRule.NO_CANDIDATE_TRAFFIC, WindowContribution::getNoCandidateTraffic,
                "the candidate gets no traffic while the baseline does", Map.of(), transitions);
        rule(def, ledger, closed, open, AlertRule.BREAK_EVEN_BEYOND_HORIZON, WindowContribution::getBeyondHorizon,
                "the projected break-even is past the horizon (" + status.getBasis() + ")", horizonFigures(status),
                transitions);
        return transitions;
    }

    private static void rule(ComparisonDefinition def, LedgerState ledger, List<WindowContribution> closed,
                             Map<AlertRule, PaybackAlert> open, AlertRule rule,
                             Function<WindowContribution, Boolean> holds, String what, Map<String, Double> extra,
                             List<PaybackAlert> transitions) {
        List<WindowContribution> evaluable = closed.stream().filter(w -> holds.apply(w) != null).toList();
        if (evaluable.isEmpty()) {
            return;
        }
        WindowContribution latest = evaluable.get(evaluable.size() - 1);
        PaybackAlert current = open.get(rule);
        if (current == null) {
            int n = def.getFireAfterWindows();
            List<WindowContribution> streak = last(evaluable, n);
            if (streak.size() == n && streak.stream().allMatch(holds::apply)) {
                transitions.add(firing(ledger, rule, latest, what + " in the last " + n + " closed window(s)",
                        figures(streak, extra)));
            }
        } else {
            int n = def.getResolveAfterWindows();
            List<WindowContribution> streak = last(evaluable, n);
            if (streak.size() == n && streak.stream().noneMatch(holds::apply)
                    && streak.get(0).getWindowStart() > current.getWindowStart().toEpochMilli()) {
                transitions.add(resolved(current, latest, "no longer: " + what + " held in none of the last " + n
                        + " closed window(s)", figures(streak, extra)));
            }
        }
    }

    private static List<WindowContribution> last(List<WindowContribution> windows, int n) {
        return windows.subList(Math.max(0, windows.size() - n), windows.size());
    }

    private static Map<String, Double> horizonFigures(PaybackStatus status) {
        Map<String, Double> figures = new LinkedHashMap<>();
        BasisLedger basis = switch (Basis.parse(status.getBasis())) {
            case CO2E_LOCATION -> status.getCo2eLocation();
            case CO2E_MARKET -> status.getCo2eMarket();
            case ENERGY -> status.getEnergy();
        };
        if (basis == null) {
            return figures;
        }
        if (basis.getProjectedBreakEvenAt() != null) {
            figures.put("projectedBreakEvenAtEpochMs", (double) basis.getProjectedBreakEvenAt().toEpochMilli());
        }
        if (status.getHorizonEnd() != null) {
            figures.put("horizonEndEpochMs", (double) status.getHorizonEnd().toEpochMilli());
        }
        if (basis.getRecentSavingPerDay() != null) {
            figures.put("recentSavingPerDay", basis.getRecentSavingPerDay());
        }
        figures.put("remaining", basis.getFootprint() - basis.getSaved());
        return figures;
    }

    private static Map<String, Double> figures(List<WindowContribution> windows, Map<String, Double> extra) {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (WindowContribution w : windows) {
            Instant start = Instant.ofEpochMilli(w.getWindowStart());
            if (w.getPriced()) {
                figures.put("savingWh@" + start, w.getSavingWh());
                figures.put("savingGCo2eLocation@" + start, w.getSavingGCo2eLocation());
                figures.put("savingGCo2eMarket@" + start, w.getSavingGCo2eMarket());
            }
            figures.put("successfulTasks@" + start, (double) w.getSuccessfulTasks());
        }
        figures.putAll(extra);
        return figures;
    }

    private static PaybackAlert firing(LedgerState ledger, AlertRule rule, WindowContribution window, String message,
                                       Map<String, Double> figures) {
        return PaybackAlert.newBuilder()
                .setComparisonId(ledger.getComparisonId())
                .setCandidateId(ledger.getCandidateId())
                .setRule(rule.name())
                .setState(AlertState.FIRING.name())
                .setFiredAt(Instant.ofEpochMilli(window.getWindowEnd()))
                .setResolvedAt(null)
                .setWindowStart(Instant.ofEpochMilli(window.getWindowStart()))
                .setMessage(ledger.getCandidateId() + ": " + message)
                .setFigures(figures)
                .build();
    }

    /**
     * An open alert resolved at {@code at} (the stream time of the refresh) because its ledger was retired: the
     * comparison or candidate went, or moved. It carries no figures: no window triggered it.
     */
    public static PaybackAlert retired(PaybackAlert open, String why, Instant at) {
        return PaybackAlert.newBuilder(open)
                .setState(AlertState.RESOLVED.name())
                .setResolvedAt(at)
                .setMessage(open.getCandidateId() + ": resolved because " + why)
                .setFigures(Map.of())
                .build();
    }

    private static PaybackAlert resolved(PaybackAlert open, WindowContribution window, String message,
                                         Map<String, Double> figures) {
        return PaybackAlert.newBuilder(open)
                .setState(AlertState.RESOLVED.name())
                .setResolvedAt(Instant.ofEpochMilli(window.getWindowEnd()))
                .setWindowStart(Instant.ofEpochMilli(window.getWindowStart()))
                .setMessage(open.getCandidateId() + ": " + message)
                .setFigures(figures)
                .build();
    }
}
