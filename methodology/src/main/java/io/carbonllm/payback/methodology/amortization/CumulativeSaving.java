package io.carbonllm.payback.methodology.amortization;

import java.util.OptionalDouble;

/**
 * The running sum of a candidate's saving: {@code sum over windows of (saving per successful task x the candidate's
 * successful tasks)}, in energy and in CO2e (location- and market-based). Additive, so a revised window is applied
 * as the difference between its new and its last contribution.
 */
public record CumulativeSaving(double wh, double gCo2eLocation, double gCo2eMarket, long successfulTasks) {

    public static final CumulativeSaving ZERO = new CumulativeSaving(0, 0, 0, 0);

    /** One window's contribution; zero when there is no saving figure (no baseline, or no candidate success). */
    public static CumulativeSaving ofWindow(OptionalDouble savingWhPerTask, OptionalDouble savingGLocationPerTask,
                                           OptionalDouble savingGMarketPerTask, long candidateSuccesses) {
        if (savingWhPerTask.isEmpty() || candidateSuccesses <= 0) {
            return new CumulativeSaving(0, 0, 0, Math.max(candidateSuccesses, 0));
        }
        return new CumulativeSaving(savingWhPerTask.getAsDouble() * candidateSuccesses,
                savingGLocationPerTask.orElse(0) * candidateSuccesses,
                savingGMarketPerTask.orElse(0) * candidateSuccesses, candidateSuccesses);
    }

    public CumulativeSaving plus(CumulativeSaving other) {
        return new CumulativeSaving(wh + other.wh, gCo2eLocation + other.gCo2eLocation,
                gCo2eMarket + other.gCo2eMarket, successfulTasks + other.successfulTasks);
    }

    public CumulativeSaving minus(CumulativeSaving other) {
        return new CumulativeSaving(wh - other.wh, gCo2eLocation - other.gCo2eLocation,
                gCo2eMarket - other.gCo2eMarket, successfulTasks - other.successfulTasks);
    }

    public double kwh() {
        return wh / 1000.0;
    }
}
