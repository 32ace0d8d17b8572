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
import net.jqwik.api.constraints.Scale;
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
    void aCandidateThatIsNotCheaperNeverBreaksEvenWhateverItsFootprint(
            @ForAll("footprints") double footprint, @ForAll @DoubleRange(min = -1000, max = 0) double saving,
            @ForAll @DoubleRange(min = 0, max = 1e9) double tasksPerDay) {
        assertThat(Amortization.breakEvenTasks(footprint, saving)).isEmpty();
        assertThat(Amortization.breakEvenDays(footprint, saving, tasksPerDay)).isEmpty();
    }

    @Property
    void nothingToRepayAndAPositiveSavingBreaksEvenAtOnce(
            @ForAll @DoubleRange(min = 1e-9, max = 1000) @Scale(12) double saving,
            @ForAll @DoubleRange(min = 0, max = 1e9) double tasksPerDay) {
        assertThat(Amortization.breakEvenTasks(0, saving)).hasValue(0);
        assertThat(Amortization.breakEvenDays(0, saving, tasksPerDay)).hasValue(0);
    }

    @Property
    void breakEvenTasksTimesTheSavingRepayTheFootprint(
            @ForAll @DoubleRange(min = 1e-3, max = 1e7) @Scale(6) double footprint,
            @ForAll @DoubleRange(min = 1e-3, max = 1000) @Scale(6) double saving) {
        double tasks = Amortization.breakEvenTasks(footprint, saving).orElseThrow();
        assertThat(tasks * saving).isCloseTo(footprint, within(1e-9 * footprint));
    }

    /** Footprints with zero well represented: the edge case of "nothing to repay". */
    @Provide
    Arbitrary<Double> footprints() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 1e7));
    }

    @Provide
    Arbitrary<String> models() {
        return Arbitraries.of(MODELS);
    }
}
