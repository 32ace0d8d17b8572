package io.carbonllm.payback.methodology.amortization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.energy.EnergyModel;
import io.carbonllm.payback.methodology.energy.RequestEnergy;
import io.carbonllm.payback.methodology.energy.RequestUsage;
import io.carbonllm.payback.methodology.footprint.Footprint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class AmortizationPropertiesTest {

    private static final EnergyModel MODEL = EnergyModel.defaults();
    private static final List<String> MODELS = List.of("llama-3.1-70b-instruct", "llama-3.1-8b-ft", "acme", "mystery");

    @Property
    void energyIsFiniteAndNonNegativeForAnyNonNegativeInput(
            @ForAll @LongRange(max = 10_000_000) long input, @ForAll @LongRange(max = 10_000_000) long cached,
            @ForAll @LongRange(max = 10_000_000) long output, @ForAll @DoubleRange(min = 0.01, max = 100_000) double params,
            @ForAll("models") String model) {
        RequestEnergy energy = MODEL.estimate(new RequestUsage(model, params, params, input, Math.min(cached, input),
                output, null, null));
        assertThat(Double.isFinite(energy.itWh())).isTrue();
        assertThat(energy.itWh()).isGreaterThanOrEqualTo(0);
    }

    @Property
    void moreInputTokensNeverLowerTheEnergy(
            @ForAll @LongRange(max = 1_000_000) long input, @ForAll @LongRange(max = 1_000_000) long more,
            @ForAll @LongRange(max = 1_000_000) long cached, @ForAll @LongRange(max = 100_000) long output,
            @ForAll @DoubleRange(min = 0.5, max = 2_000) double params, @ForAll("models") String model) {
        long c = Math.min(cached, input);
        double before = MODEL.estimate(new RequestUsage(model, params, params, input, c, output, null, null)).itWh();
        double after = MODEL.estimate(new RequestUsage(model, params, params, input + more, c, output, null, null)).itWh();
        assertThat(after).isGreaterThanOrEqualTo(before);
    }

    @Property
    void theSeedEstimateIsFiniteForAnyValidInput(
            @ForAll @DoubleRange(min = 0, max = 1e7) double trainingKwh, @ForAll @DoubleRange(min = 0, max = 2000) double grid,
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
        // Breaking even within the horizon and a non-negative horizon net say the same thing.
        if (tasksPerDay > 0 && trainingKwh > 0) {
            assertThat(r.paysBackWithinHorizon()).isEqualTo(r.horizonNetKwh() >= -1e-6 * trainingKwh
                    && r.savingWhPerSuccessfulTask() > 0);
        }
    }

    @Property
    void savingAndPaybackAreAdditiveAcrossWindowsInAnyOrder(@ForAll("windows") @Size(min = 1, max = 30) List<double[]> windows,
                                                            @ForAll @DoubleRange(min = 1, max = 1e6) double footprintWh,
                                                            @ForAll long seed) {
        CumulativeSaving inOrder = CumulativeSaving.ZERO;
        double expectedWh = 0;
        for (double[] w : windows) {
            // w = {baseline Wh, baseline successes, candidate Wh, candidate successes}
            OptionalDouble saving = Amortization.savingPerTask(
                    Amortization.perSuccessfulTask(w[0], (long) w[1]), Amortization.perSuccessfulTask(w[2], (long) w[3]));
            CumulativeSaving contribution = CumulativeSaving.ofWindow(saving, saving, saving, (long) w[3]);
            inOrder = inOrder.plus(contribution);
            expectedWh += saving.isPresent() ? saving.getAsDouble() * (long) w[3] : 0;
        }
        List<double[]> shuffled = new ArrayList<>(windows);
        Collections.shuffle(shuffled, new Random(seed));
        CumulativeSaving anyOrder = CumulativeSaving.ZERO;
        for (double[] w : shuffled) {
            OptionalDouble saving = Amortization.savingPerTask(
                    Amortization.perSuccessfulTask(w[0], (long) w[1]), Amortization.perSuccessfulTask(w[2], (long) w[3]));
            anyOrder = anyOrder.plus(CumulativeSaving.ofWindow(saving, saving, saving, (long) w[3]));
        }
        double tolerance = 1e-9 * Math.max(1, Math.abs(expectedWh));
        assertThat(inOrder.wh()).isCloseTo(expectedWh, within(tolerance));
        assertThat(anyOrder.wh()).isCloseTo(inOrder.wh(), within(tolerance));
        assertThat(anyOrder.successfulTasks()).isEqualTo(inOrder.successfulTasks());
        // the payback ratio of the whole is the sum of the windows' ratios
        double sumOfRatios = 0;
        for (double[] w : windows) {
            OptionalDouble saving = Amortization.savingPerTask(
                    Amortization.perSuccessfulTask(w[0], (long) w[1]), Amortization.perSuccessfulTask(w[2], (long) w[3]));
            sumOfRatios += Amortization.paybackRatio(
                    CumulativeSaving.ofWindow(saving, saving, saving, (long) w[3]).wh(), footprintWh).orElseThrow();
        }
        assertThat(Amortization.paybackRatio(inOrder.wh(), footprintWh).orElseThrow())
                .isCloseTo(sumOfRatios, within(1e-9 * Math.max(1, Math.abs(sumOfRatios))));
        // and a revised window applied as (new - old) gives the same as counting only the new one
        CumulativeSaving last = CumulativeSaving.ofWindow(OptionalDouble.of(1.5), OptionalDouble.of(1.5), OptionalDouble.of(1.5), 10);
        CumulativeSaving revised = CumulativeSaving.ofWindow(OptionalDouble.of(1.25), OptionalDouble.of(1.25), OptionalDouble.of(1.25), 12);
        CumulativeSaving applied = inOrder.plus(last).plus(revised.minus(last));
        assertThat(applied.wh()).isCloseTo(inOrder.plus(revised).wh(), within(1e-6 * Math.max(1, Math.abs(applied.wh()))));
        assertThat(applied.successfulTasks()).isEqualTo(inOrder.successfulTasks() + 12);
    }

    @Provide
    Arbitrary<String> models() {
        return Arbitraries.of(MODELS);
    }

    @Provide
    Arbitrary<List<double[]>> windows() {
        Arbitrary<Double> wh = Arbitraries.doubles().between(0, 10_000);
        Arbitrary<Double> successes = Arbitraries.longs().between(0, 5_000).map(Long::doubleValue);
        return Combinators.combine(wh, successes, wh, successes)
                .as((a, b, c, d) -> new double[] {a, b, c, d}).list();
    }
}
