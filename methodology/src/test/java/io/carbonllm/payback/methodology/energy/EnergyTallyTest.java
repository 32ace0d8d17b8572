package io.carbonllm.payback.methodology.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnergyTallyTest {

    private static final ResolvedGrid GRID = new ResolvedGrid("eu-north-1", 21, 0, false, false, Instant.EPOCH, "test");

    @Test
    void coverageCountsRequestsWithoutEnergyButNeverGuessesTheirEnergy() {
        // Given a metered 1.0 Wh request, a benchmarked 0.5 Wh one, and one of unknown size, at PUE 1.2
        EnergyTally tally = EnergyTally.EMPTY
                .add(new RequestEnergy(1.0, EvidenceTier.METERED, "m"), 1.2, GRID)
                .add(new RequestEnergy(0.5, EvidenceTier.BENCHMARKED, "b"), 1.2, GRID)
                .add(RequestEnergy.unavailable("unknown size"), 1.2, GRID);

        // Then 2 of 3 requests are covered; IT 1.5 Wh, facility 1.8 Wh; 1.8 x 21 / 1000 = 0.0378 g location, 0 market
        assertThat(tally.requests()).isEqualTo(3);
        assertThat(tally.coverage().getAsDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(tally.itWh()).isCloseTo(1.5, within(1e-12));
        assertThat(tally.facilityWh()).isCloseTo(1.8, within(1e-12));
        assertThat(tally.gCo2eLocation()).isCloseTo(0.0378, within(1e-12));
        assertThat(tally.gCo2eMarket()).isZero();
        // and the figure is only as strong as its weakest part
        assertThat(tally.overallTier()).isEqualTo(EvidenceTier.BENCHMARKED);
    }

    @Test
    void anEmptyOrUncoveredTallyHasNoCoverageOrTierToClaim() {
        assertThat(EnergyTally.EMPTY.coverage()).isEmpty();
        EnergyTally none = EnergyTally.EMPTY.add(RequestEnergy.unavailable("x"), 1.2, GRID);
        assertThat(none.coverage().getAsDouble()).isZero();
        assertThat(none.overallTier()).isEqualTo(EvidenceTier.UNAVAILABLE);
        assertThat(none.plus(EnergyTally.EMPTY.add(new RequestEnergy(2, EvidenceTier.ESTIMATED, "e"), 1.0, GRID))
                .overallTier()).isEqualTo(EvidenceTier.ESTIMATED);
    }
}
