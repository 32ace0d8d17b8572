package io.carbonllm.payback.methodology.amortization;

import io.carbonllm.payback.methodology.footprint.Footprint;
import java.util.OptionalDouble;

/**
 * The estimate a team makes before anyone trains: will the fine-tune repay its footprint within the horizon?
 * Energy per successful task is {@code inference PUE x IT Wh per request / success rate}; inference CO2e uses the
 * inference grid, the training footprint the training grid.
 */
public final class SeedEstimate {

    private SeedEstimate() {
    }

    /**
     * @param training                the one-off footprint (kWh and kgCO2e, location-based)
     * @param baselineItWhPerRequest  IT energy per baseline request, before PUE
     * @param candidateItWhPerRequest IT energy per candidate request, before PUE
     * @param baselineSuccessRate     in (0, 1]
     * @param candidateSuccessRate    in (0, 1]
     * @param inferencePue            at least 1.0
     * @param inferenceGridGPerKwh    gCO2e/kWh where inference runs
     * @param successfulTasksPerDay   traffic, in successful tasks per day
     * @param horizonDays             the amortization horizon
     */
    public record Inputs(Footprint training, double baselineItWhPerRequest, double candidateItWhPerRequest,
                         double baselineSuccessRate, double candidateSuccessRate, double inferencePue,
                         double inferenceGridGPerKwh, double successfulTasksPerDay, double horizonDays) {

        public Inputs {
            nonNegative("baselineItWhPerRequest", baselineItWhPerRequest);
            nonNegative("candidateItWhPerRequest", candidateItWhPerRequest);
            rate("baselineSuccessRate", baselineSuccessRate);
            rate("candidateSuccessRate", candidateSuccessRate);
            if (!(inferencePue >= 1.0) || Double.isInfinite(inferencePue)) {
                throw new IllegalArgumentException("inferencePue must be a finite number >= 1.0: " + inferencePue);
            }
            nonNegative("inferenceGridGPerKwh", inferenceGridGPerKwh);
            nonNegative("successfulTasksPerDay", successfulTasksPerDay);
            nonNegative("horizonDays", horizonDays);
        }

        private static void nonNegative(String name, double value) {
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(name + " must be a finite number >= 0: " + value);
            }
        }

        private static void rate(String name, double value) {
            if (!(value > 0 && value <= 1)) {
                throw new IllegalArgumentException(name + " must be in (0, 1]: " + value);
            }
        }
    }

    /** The outcome. Empty optionals mean "never" (no saving, or no traffic), never a division by zero. */
    public record Result(Footprint training,
                         double baselineWhPerSuccessfulTask, double candidateWhPerSuccessfulTask,
                         double savingWhPerSuccessfulTask, double savingGCo2ePerSuccessfulTask,
                         OptionalDouble breakEvenSuccessfulTasks, OptionalDouble breakEvenDays,
                         OptionalDouble breakEvenSuccessfulTasksCo2e, OptionalDouble breakEvenDaysCo2e,
                         double horizonSuccessfulTasks, double horizonNetKwh, double horizonNetKgCo2e,
                         boolean paysBackWithinHorizon, boolean paysBackWithinHorizonCo2e) {
    }

    public static Result compute(Inputs in) {
        double baseline = in.inferencePue() * in.baselineItWhPerRequest() / in.baselineSuccessRate();
        double candidate = in.inferencePue() * in.candidateItWhPerRequest() / in.candidateSuccessRate();
        double savingWh = baseline - candidate;
        double savingG = savingWh * in.inferenceGridGPerKwh() / 1000.0;
        double trainingWh = in.training().kwh() * 1000.0;
        double trainingG = in.training().kgCo2eLocation() * 1000.0;

        OptionalDouble tasks = Amortization.breakEvenTasks(trainingWh, savingWh);
        OptionalDouble days = Amortization.breakEvenDays(tasks, in.successfulTasksPerDay());
        OptionalDouble tasksCo2e = Amortization.breakEvenTasks(trainingG, savingG);
        OptionalDouble daysCo2e = Amortization.breakEvenDays(tasksCo2e, in.successfulTasksPerDay());

        double horizonTasks = in.successfulTasksPerDay() * in.horizonDays();
        double netKwh = Amortization.horizonNet(savingWh, horizonTasks, trainingWh) / 1000.0;
        double netKg = Amortization.horizonNet(savingG, horizonTasks, trainingG) / 1000.0;
        return new Result(in.training(), baseline, candidate, savingWh, savingG, tasks, days, tasksCo2e, daysCo2e,
                horizonTasks, netKwh, netKg,
                days.isPresent() && days.getAsDouble() <= in.horizonDays(),
                daysCo2e.isPresent() && daysCo2e.getAsDouble() <= in.horizonDays());
    }
}
