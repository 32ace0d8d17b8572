package io.carbonllm.payback.core.estimate;

import io.carbonllm.payback.core.ledger.Projection;
import io.carbonllm.payback.methodology.amortization.Amortization;
import io.carbonllm.payback.methodology.footprint.Footprint;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * The estimate a team makes before anyone trains: will the fine-tune repay its footprint within the horizon?
 * Energy per successful task is {@code inference PUE x IT Wh per request / success rate}; inference CO2e uses the
 * inference grid, the training footprint the training grid. The break-even and the horizon verdict come from
 * {@link Projection#project}, the code the live ledger uses.
 */
public final class SeedEstimate {

    private static final double MS_PER_DAY = 86_400_000.0;

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

    /**
     * The outcome. Empty optionals mean "never", never a division by zero: a candidate that is not cheaper per
     * successful task (saving of zero or less, in energy or in CO2e) never breaks even on that side, and does not pay
     * back within the horizon, even with a zero footprint; with something to repay and no traffic, it never breaks
     * even either.
     */
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

        // The live ledger's projection, from a standing start: nothing saved yet, the stated saving and traffic.
        Projection energy = project(trainingWh, savingWh, in);
        Projection co2e = project(trainingG, savingG, in);

        double horizonTasks = in.successfulTasksPerDay() * in.horizonDays();
        double netKwh = Amortization.horizonNet(savingWh, horizonTasks, trainingWh) / 1000.0;
        double netKg = Amortization.horizonNet(savingG, horizonTasks, trainingG) / 1000.0;
        return new Result(in.training(), baseline, candidate, savingWh, savingG,
                optional(energy.breakEvenSuccessfulTasks()), optional(energy.breakEvenDays()),
                optional(co2e.breakEvenSuccessfulTasks()), optional(co2e.breakEvenDays()),
                horizonTasks, netKwh, netKg,
                Boolean.TRUE.equals(energy.paysBackWithinHorizon()), Boolean.TRUE.equals(co2e.paysBackWithinHorizon()));
    }

    private static Projection project(double footprint, double savingPerTask, Inputs in) {
        Instant start = Instant.EPOCH;
        Instant horizonEnd = start.plusMillis((long) (in.horizonDays() * MS_PER_DAY));
        return Projection.project(0, footprint, 0, savingPerTask, savingPerTask * in.successfulTasksPerDay(), start,
                new Projection.Horizon(horizonEnd, null), false);
    }

    private static OptionalDouble optional(Double value) {
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }
}
