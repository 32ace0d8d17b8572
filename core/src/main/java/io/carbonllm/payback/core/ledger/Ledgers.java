package io.carbonllm.payback.core.ledger;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.WindowContribution;
import io.carbonllm.payback.methodology.amortization.Amortization;
import io.carbonllm.payback.methodology.footprint.Footprint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The amortization ledger of one candidate. Plain Java, no Kafka.
 *
 * <p>A window counts exactly once: the ledger keeps each recent window's last contribution and applies only the
 * difference when the window is revised (late records within grace, or a replay after a restart). Contributions are
 * {@code saving per successful task x the candidate's successful tasks} in that window.
 */
public final class Ledgers {

    /** Beyond this the projection is "never" in any practical sense; it also keeps Instant arithmetic finite. */
    static final double MAX_PROJECTION_DAYS = 36_500;
    private static final double MS_PER_DAY = 86_400_000.0;

    private Ledgers() {
    }

    public static LedgerState empty(String comparisonId, String candidateId) {
        return LedgerState.newBuilder().setComparisonId(comparisonId).setCandidateId(candidateId).build();
    }

    /** The ledger after the latest revision of one window. */
    public static LedgerState apply(LedgerState state, ComparisonDefinition def, ComparisonWindow window,
                                    CandidateWindow candidate, int keepWindows) {
        Double savingPerTask = candidate.getSavingWhPerSuccessfulTask();
        long tasks = candidate.getWindow() == null ? 0 : candidate.getWindow().getSuccesses();
        boolean hasSaving = savingPerTask != null && tasks > 0;
        WindowContribution next = WindowContribution.newBuilder()
                .setWindowStart(window.getWindowStart().toEpochMilli())
                .setWindowEnd(window.getWindowEnd().toEpochMilli())
                .setSavingWh(hasSaving ? savingPerTask * tasks : 0.0)
                .setSavingGCo2eLocation(hasSaving ? orZero(candidate.getSavingGCo2eLocationPerSuccessfulTask()) * tasks : 0.0)
                .setSavingGCo2eMarket(hasSaving ? orZero(candidate.getSavingGCo2eMarketPerSuccessfulTask()) * tasks : 0.0)
                .setSuccessfulTasks(tasks)
                .setSavingWhPerTask(savingPerTask)
                .setNotSaving(savingPerTask == null ? null : savingPerTask <= 0)
                .setQualityBelowBar(qualityBelowBar(def, window, candidate))
                .setNoCandidateTraffic(noCandidateTraffic(window, candidate))
                .build();
        String key = Long.toString(next.getWindowStart());
        Map<String, WindowContribution> windows = new HashMap<>(state.getWindows());
        WindowContribution previous = windows.put(key, next);
        WindowContribution old = previous == null ? WindowContribution.newBuilder()
                .setWindowStart(next.getWindowStart()).setWindowEnd(next.getWindowEnd()).build() : previous;
        if (windows.size() > keepWindows) {
            List<String> byStart = windows.keySet().stream().sorted(Comparator.comparingLong(Long::parseLong)).toList();
            byStart.subList(0, byStart.size() - keepWindows).forEach(windows::remove);
        }
        return LedgerState.newBuilder(state)
                .setCumulativeSavingWh(state.getCumulativeSavingWh() + next.getSavingWh() - old.getSavingWh())
                .setCumulativeSavingGCo2eLocation(state.getCumulativeSavingGCo2eLocation()
                        + next.getSavingGCo2eLocation() - old.getSavingGCo2eLocation())
                .setCumulativeSavingGCo2eMarket(state.getCumulativeSavingGCo2eMarket()
                        + next.getSavingGCo2eMarket() - old.getSavingGCo2eMarket())
                .setSuccessfulTasks(state.getSuccessfulTasks() + next.getSuccessfulTasks() - old.getSuccessfulTasks())
                .setWindowsCounted(state.getWindowsCounted() + (previous == null ? 1 : 0))
                .setWindows(windows)
                .build();
    }

    static Boolean qualityBelowBar(ComparisonDefinition def, ComparisonWindow window, CandidateWindow candidate) {
        if (candidate.getWindow() == null || candidate.getWindow().getSuccessRate() == null) {
            return null;
        }
        double rate = candidate.getWindow().getSuccessRate();
        boolean belowMinimum = def.getMinSuccessRate() != null && rate < def.getMinSuccessRate();
        boolean droppedTooFar = def.getMaxSuccessRateDrop() != null && window.getBaselineSuccessRate() != null
                && window.getBaselineSuccessRate() - rate > def.getMaxSuccessRateDrop();
        return belowMinimum || droppedTooFar;
    }

    static Boolean noCandidateTraffic(ComparisonWindow window, CandidateWindow candidate) {
        boolean candidateTraffic = candidate.getWindow() != null && candidate.getWindow().getRequests() > 0;
        boolean baselineTraffic = window.getBaseline() != null && window.getBaseline().getRequests() > 0;
        if (candidateTraffic) {
            return false;
        }
        return baselineTraffic ? Boolean.TRUE : null;
    }

    /** The ledger's published status, given the candidate's footprint (and the runs not found yet). */
    public static PaybackStatus status(LedgerState state, ComparisonDefinition def, CandidateDefinition candidate,
                                       Footprint footprint, List<String> missingRuns, Duration windowSize) {
        List<WindowContribution> recent = new ArrayList<>(state.getWindows().values());
        recent.sort(Comparator.comparingLong(WindowContribution::getWindowStart));
        if (recent.size() > def.getSavingRateLookbackWindows()) {
            recent = recent.subList(recent.size() - def.getSavingRateLookbackWindows(), recent.size());
        }
        boolean anySaving = state.getWindows().values().stream().anyMatch(w -> w.getSavingWhPerTask() != null);
        Long lastWindowEnd = recent.isEmpty() ? null : recent.get(recent.size() - 1).getWindowEnd();

        double recentWh = recent.stream().mapToDouble(WindowContribution::getSavingWh).sum();
        long recentTasks = recent.stream().mapToLong(WindowContribution::getSuccessfulTasks).sum();
        Double ratePerDay = null;
        if (!recent.isEmpty()) {
            long spanMs = Math.max(windowSize.toMillis(), recent.get(recent.size() - 1).getWindowEnd() - recent.get(0).getWindowStart());
            ratePerDay = recentWh / spanMs * MS_PER_DAY;
        }
        Double savingPerTask = recentTasks > 0 ? recentWh / recentTasks : null;

        double footprintWh = footprint.kwh() * 1000.0;
        double remainingWh = footprintWh - state.getCumulativeSavingWh();
        Instant horizonEnd = def.getHorizonEnd();

        PaybackState payback;
        Instant projectedAt = null;
        Double projectedTasks = null;
        Boolean withinHorizon = null;
        if (!anySaving || !missingRuns.isEmpty()) {
            payback = PaybackState.INSUFFICIENT_DATA;
        } else if (remainingWh <= 0) {
            payback = PaybackState.PAID_BACK;
            withinHorizon = horizonEnd == null && def.getHorizonSuccessfulTasks() == null ? null : Boolean.TRUE;
        } else if (ratePerDay == null || ratePerDay <= 0 || savingPerTask == null || savingPerTask <= 0) {
            payback = PaybackState.NOT_SAVING;
            withinHorizon = horizonEnd == null && def.getHorizonSuccessfulTasks() == null ? null : Boolean.FALSE;
        } else {
            double days = remainingWh / ratePerDay;
            projectedTasks = state.getSuccessfulTasks() + remainingWh / savingPerTask;
            if (days <= MAX_PROJECTION_DAYS) {
                projectedAt = Instant.ofEpochMilli(lastWindowEnd).plusMillis((long) (days * MS_PER_DAY));
            }
            boolean beyondTime = horizonEnd != null && (projectedAt == null || projectedAt.isAfter(horizonEnd));
            boolean beyondTasks = def.getHorizonSuccessfulTasks() != null && projectedTasks > def.getHorizonSuccessfulTasks();
            payback = beyondTime || beyondTasks ? PaybackState.WONT_PAY_BACK_IN_HORIZON : PaybackState.PAYING_BACK;
            if (horizonEnd != null || def.getHorizonSuccessfulTasks() != null) {
                withinHorizon = !(beyondTime || beyondTasks);
            }
        }
        OptionalDouble ratio = Amortization.paybackRatio(state.getCumulativeSavingWh(), footprintWh);
        OptionalDouble ratioCo2e = Amortization.paybackRatio(state.getCumulativeSavingGCo2eLocation(),
                footprint.kgCo2eLocation() * 1000.0);
        return PaybackStatus.newBuilder()
                .setComparisonId(def.getComparisonId())
                .setCandidateId(candidate.getCandidateId())
                .setUseCase(def.getUseCase())
                .setModelId(candidate.getModelId())
                .setStatus(payback.name())
                .setFootprintKwh(footprint.kwh())
                .setFootprintKgCo2eLocation(footprint.kgCo2eLocation())
                .setFootprintKgCo2eMarket(footprint.kgCo2eMarket())
                .setFootprintTier(footprint.sources().isEmpty() ? null : footprint.tier().name())
                .setRunIdsMissing(missingRuns)
                .setCumulativeSavingWh(state.getCumulativeSavingWh())
                .setCumulativeSavingGCo2eLocation(state.getCumulativeSavingGCo2eLocation())
                .setCumulativeSavingGCo2eMarket(state.getCumulativeSavingGCo2eMarket())
                .setSuccessfulTasks(state.getSuccessfulTasks())
                .setPaybackRatio(ratio.isPresent() ? ratio.getAsDouble() : null)
                .setPaybackRatioCo2e(ratioCo2e.isPresent() ? ratioCo2e.getAsDouble() : null)
                .setRecentSavingWhPerDay(ratePerDay)
                .setRecentSavingWhPerSuccessfulTask(savingPerTask)
                .setProjectedBreakEvenAt(projectedAt)
                .setProjectedBreakEvenSuccessfulTasks(projectedTasks)
                .setHorizonEnd(horizonEnd)
                .setPaysBackWithinHorizon(withinHorizon)
                .setWindowsCounted(state.getWindowsCounted())
                .setLastWindowEnd(lastWindowEnd == null ? null : Instant.ofEpochMilli(lastWindowEnd))
                .build();
    }

    private static double orZero(Double value) {
        return value == null ? 0.0 : value;
    }
}
