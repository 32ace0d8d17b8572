package io.carbonllm.payback.methodology.energy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;

/** Properties of the energy model over the shipped catalog, for known, benchmarked and unknown models alike. */
class EnergyModelPropertiesTest {

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

    @Provide
    Arbitrary<String> models() {
        return Arbitraries.of(MODELS);
    }
}
