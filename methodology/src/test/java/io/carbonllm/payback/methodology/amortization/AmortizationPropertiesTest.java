package io.carbonllm.payback.methodology.amortization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

/**
 * Properties of the horizon net, the one piece of amortization arithmetic left in methodology. The break-even rules
 * are tested where they live, with {@code Projection} in core.
 */
class AmortizationPropertiesTest {

    @Property
    void theNetPlusTheFootprintIsTheSavingOverTheHorizon(
            @ForAll @DoubleRange(min = -1000, max = 1000) double saving,
            @ForAll @DoubleRange(min = 0, max = 1e9) double tasks, @ForAll("footprints") double footprint) {
        double net = Amortization.horizonNet(saving, tasks, footprint);
        double gross = saving * tasks;
        assertThat(net + footprint).isCloseTo(gross, within(1e-9 * Math.max(1, Math.abs(gross) + footprint)));
    }

    @Property
    void aCandidateThatIsNotCheaperNeverNetsASaving(
            @ForAll @DoubleRange(min = -1000, max = 0) double saving,
            @ForAll @DoubleRange(min = 0, max = 1e9) double tasks, @ForAll("footprints") double footprint) {
        assertThat(Amortization.horizonNet(saving, tasks, footprint)).isLessThanOrEqualTo(0);
    }

    @Property
    void moreTasksNeverLowerTheNetOfASavingCandidate(
            @ForAll @DoubleRange(min = 0, max = 1000) double saving, @ForAll @DoubleRange(min = 0, max = 1e9) double tasks,
            @ForAll @DoubleRange(min = 0, max = 1e9) double more, @ForAll("footprints") double footprint) {
        assertThat(Amortization.horizonNet(saving, tasks + more, footprint))
                .isGreaterThanOrEqualTo(Amortization.horizonNet(saving, tasks, footprint));
    }

    @Example
    void aNumberThatIsNotFiniteIsRejectedByNameAndAnOverflowIsAnError() {
        assertThatThrownBy(() -> Amortization.horizonNet(Double.NaN, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("savingPerTask");
        assertThatThrownBy(() -> Amortization.horizonNet(1, Double.POSITIVE_INFINITY, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tasks");
        assertThatThrownBy(() -> Amortization.horizonNet(1, 1, Double.NEGATIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("footprint");
        // 1e200 x 1e200 = 1e400 > Double.MAX_VALUE (about 1.8e308)
        assertThatThrownBy(() -> Amortization.horizonNet(1e200, 1e200, 0))
                .isInstanceOf(ArithmeticException.class).hasMessageContaining("overflows");
    }

    /** Footprints with zero well represented: the edge case of "nothing to repay". */
    @Provide
    Arbitrary<Double> footprints() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 1e7));
    }
}
