package io.carbonllm.payback.core.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.footprint.Footprint;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

class SeedEstimatePropertiesTest {

    @Property
    void theSeedEstimateIsFiniteForAnyValidInput(
            @ForAll("footprints") double trainingKwh, @ForAll @DoubleRange(min = 0, max = 2000) double grid,
            @ForAll @DoubleRange(min = 0, max = 1000) double baselineWh, @ForAll @DoubleRange(min = 0, max = 1000) double candidateWh,
            @ForAll @DoubleRange(min = 0.01, max = 1) double baselineRate, @ForAll @DoubleRange(min = 0.01, max = 1) double candidateRate,
            @ForAll @DoubleRange(min = 1, max = 3) double pue, @ForAll @DoubleRange(min = 0, max = 1e9) double tasksPerDay,
            @ForAll @DoubleRange(min = 0, max = 3650) double horizon) {
        Footprint training = new Footprint(trainingKwh, trainingKwh * grid / 1000, trainingKwh * grid / 1000,
                EvidenceTier.ESTIMATED, List.of());
        SeedEstimate.Result r = SeedEstimate.compute(new SeedEstimate.Inputs(training, baselineWh, candidateWh,
                baselineRate, candidateRate, pue, grid, tasksPerDay, horizon));
        for (double value : new double[] {r.baselineWhPerSuccessfulTask(), r.candidateWhPerSuccessfulTask(),
                r.savingWhPerSuccessfulTask(), r.savingGCo2ePerSuccessfulTask(), r.horizonNetKwh(), r.horizonNetKgCo2e(),
                r.breakEvenSuccessfulTasks().orElse(0), r.breakEvenDays().orElse(0),
                r.breakEvenSuccessfulTasksCo2e().orElse(0), r.breakEvenDaysCo2e().orElse(0)}) {
            assertThat(Double.isFinite(value)).as("finite").isTrue();
        }
        // Breaking even within the horizon and a non-negative horizon net say the same thing, for a candidate that
        // saves; one that does not never pays back, with nothing to repay included.
        if (tasksPerDay > 0 && trainingKwh > 0) {
            assertThat(r.paysBackWithinHorizon()).isEqualTo(r.horizonNetKwh() >= -1e-6 * trainingKwh
                    && r.savingWhPerSuccessfulTask() > 0);
        }
        if (trainingKwh == 0) {
            assertThat(r.paysBackWithinHorizon()).isEqualTo(r.savingWhPerSuccessfulTask() > 0);
        }
        if (r.savingWhPerSuccessfulTask() <= 0) {
            assertThat(r.paysBackWithinHorizon()).isFalse();
        }
        if (r.savingGCo2ePerSuccessfulTask() <= 0) {
            assertThat(r.paysBackWithinHorizonCo2e()).isFalse();
        }
    }


    @Property
    void theSeedEstimateNeverPaysBackACandidateThatIsNotCheaper(
            @ForAll("footprints") double trainingKwh, @ForAll @DoubleRange(min = 0, max = 2000) double grid,
            @ForAll @DoubleRange(min = 0, max = 1000) double baselineWh, @ForAll @DoubleRange(min = 0, max = 1000) double extraWh,
            @ForAll @DoubleRange(min = 0.01, max = 1) double rate, @ForAll @DoubleRange(min = 1, max = 3) double pue,
            @ForAll @DoubleRange(min = 0, max = 1e9) double tasksPerDay, @ForAll @DoubleRange(min = 0, max = 3650) double horizon) {
        // Same success rate and at least the baseline's energy per request: the candidate costs at least as much
        // per successful task (PUE x Wh / rate is monotone in Wh, in floating point too).
        Footprint training = new Footprint(trainingKwh, trainingKwh * grid / 1000, trainingKwh * grid / 1000,
                EvidenceTier.ESTIMATED, List.of());
        SeedEstimate.Result r = SeedEstimate.compute(new SeedEstimate.Inputs(training, baselineWh, baselineWh + extraWh,
                rate, rate, pue, grid, tasksPerDay, horizon));
        assertThat(r.savingWhPerSuccessfulTask()).isLessThanOrEqualTo(0);
        assertThat(r.breakEvenSuccessfulTasks()).isEmpty();
        assertThat(r.breakEvenDays()).isEmpty();
        assertThat(r.breakEvenSuccessfulTasksCo2e()).isEmpty();
        assertThat(r.breakEvenDaysCo2e()).isEmpty();
        assertThat(r.paysBackWithinHorizon()).isFalse();
        assertThat(r.paysBackWithinHorizonCo2e()).isFalse();
    }

    @Property
    void aCheaperCandidateWithNothingToRepayBreaksEvenAtOnce(
            @ForAll @DoubleRange(min = 0.01, max = 1000) double baselineWh,
            @ForAll @DoubleRange(min = 0, max = 0.99) double share,
            @ForAll @DoubleRange(min = 0.01, max = 1) double rate, @ForAll @DoubleRange(min = 1, max = 3) double pue,
            @ForAll @DoubleRange(min = 0, max = 1e9) double tasksPerDay,
            @ForAll @DoubleRange(min = 0, max = 3650) double horizon) {
        // Same success rate and less energy per request: cheaper per successful task; a zero footprint; any traffic,
        // none included
        Footprint none = new Footprint(0, 0, 0, EvidenceTier.METERED, List.of());
        SeedEstimate.Result r = SeedEstimate.compute(new SeedEstimate.Inputs(none, baselineWh, baselineWh * share,
                rate, rate, pue, 342, tasksPerDay, horizon));
        assertThat(r.savingWhPerSuccessfulTask()).isPositive();
        assertThat(r.breakEvenSuccessfulTasks()).hasValue(0);
        assertThat(r.breakEvenDays()).hasValue(0);
        assertThat(r.paysBackWithinHorizon()).isTrue();
    }

    @Property
    void theBreakEvenTasksTimesTheSavingRepayTheFootprint(
            @ForAll @DoubleRange(min = 0.01, max = 1e7) double trainingKwh,
            @ForAll @DoubleRange(min = 0.01, max = 1000) double baselineWh,
            @ForAll @DoubleRange(min = 0, max = 0.99) double share,
            @ForAll @DoubleRange(min = 0.01, max = 1) double rate, @ForAll @DoubleRange(min = 1, max = 3) double pue,
            @ForAll @DoubleRange(min = 1, max = 1e9) double tasksPerDay) {
        Footprint training = new Footprint(trainingKwh, trainingKwh * 0.342, trainingKwh * 0.342,
                EvidenceTier.ESTIMATED, List.of());
        SeedEstimate.Result r = SeedEstimate.compute(new SeedEstimate.Inputs(training, baselineWh, baselineWh * share,
                rate, rate, pue, 342, tasksPerDay, 90));
        double trainingWh = trainingKwh * 1000;
        double tasks = r.breakEvenSuccessfulTasks().orElseThrow();
        assertThat(tasks * r.savingWhPerSuccessfulTask()).isCloseTo(trainingWh, within(1e-9 * trainingWh));
        assertThat(r.breakEvenDays().orElseThrow() * tasksPerDay).isCloseTo(tasks, within(1e-9 * tasks));
    }

    /** Footprints with zero well represented: the edge case of "nothing to repay". */
    @Provide
    Arbitrary<Double> footprints() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 1e7));
    }
}
