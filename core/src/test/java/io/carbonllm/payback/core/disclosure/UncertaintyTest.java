package io.carbonllm.payback.core.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.methodology.EvidenceTier;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UncertaintyTest {

    @Test
    void eachTierHasItsRange() {
        // metered ±10 %; benchmarked -50 % / +100 %; estimated -2/3 / +200 % (a factor of 3 either way)
        Uncertainty.Range metered = Uncertainty.range(EvidenceTier.METERED, 100);
        assertThat(metered.low()).isCloseTo(90, within(1e-9));
        assertThat(metered.high()).isCloseTo(110, within(1e-9));
        assertThat(Uncertainty.range(EvidenceTier.BENCHMARKED, 100)).isEqualTo(new Uncertainty.Range(50, 200));
        Uncertainty.Range estimated = Uncertainty.range(EvidenceTier.ESTIMATED, 90);
        assertThat(estimated.low()).isCloseTo(30, within(1e-9));
        assertThat(estimated.high()).isCloseTo(270, within(1e-9));
    }

    @Test
    void aTotalMixingTiersAddsTheBoundsOfItsParts() {
        // Given 1,000 Wh: 600 metered, 400 estimated
        TierMix mix = new TierMix(600, 0, 400);

        // When its energy takes its range
        Uncertainty.Range energy = Uncertainty.range(mix);

        // Then metered 600 -> [540, 660], estimated 400 -> [133.33, 1,200]: [673.33, 1,860]
        assertThat(energy.low()).isCloseTo(673.333, within(1e-3));
        assertThat(energy.high()).isCloseTo(1860, within(1e-9));
        // and a CO2e figure is ranged from its own grams per tier (here 300 g metered, 200 g estimated):
        // [270, 330] + [66.67, 600] = [336.67, 930]
        Uncertainty.Range co2e = Uncertainty.range(Map.of(EvidenceTier.METERED, 300.0,
                EvidenceTier.ESTIMATED, 200.0));
        assertThat(co2e.low()).isCloseTo(336.667, within(1e-3));
        assertThat(co2e.high()).isCloseTo(930, within(1e-9));
    }

    @Test
    void aNegativeFigureHasItsBoundsTheOtherWayRound() {
        // -10 estimated: -10 x (1 - 2/3) = -3.33 and -10 x 3 = -30, so [-30, -3.33]
        Uncertainty.Range r = Uncertainty.range(EvidenceTier.ESTIMATED, -10);
        assertThat(r.low()).isCloseTo(-30, within(1e-12));
        assertThat(r.high()).isCloseTo(-10.0 / 3, within(1e-12));
    }

    @Test
    void nothingIsExactlyNothing() {
        assertThat(Uncertainty.range(TierMix.NONE)).isEqualTo(new Uncertainty.Range(0, 0));
    }

    @Test
    void aFigureThatDoesNotExistHasNoRange() {
        assertThatThrownBy(() -> Uncertainty.of(EvidenceTier.UNAVAILABLE))
                .hasMessageContaining("UNAVAILABLE");
    }
}
