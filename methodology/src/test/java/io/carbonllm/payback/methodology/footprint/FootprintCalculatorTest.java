package io.carbonllm.payback.methodology.footprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorTable;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FootprintCalculatorTest {

    private static final Instant JUNE_2025 = Instant.parse("2025-06-01T00:00:00Z");
    private final FootprintCalculator calculator = new FootprintCalculator(FactorTable.defaults());

    @Test
    void aTrainingRunIsGpuHoursTimesPowerTimesPueTimesGrid() {
        // Given 8 GPUs for 10 h at 270 W (a measured LoRA average), PUE 1.2, in Germany in June 2025
        OneOffRun run = OneOffRun.estimated("ft-1", RunKind.FINE_TUNE, 8, 10, 270, 1.2, "eu-central-1", JUNE_2025);
        // When
        Footprint footprint = calculator.of(run);
        // Then 80 GPU-h x 270 W / 1000 = 21.6 kWh x 1.2 = 25.92 kWh; x 342 g/kWh (Electricity Maps 2025) = 8.86464 kg
        assertThat(footprint.kwh()).isCloseTo(25.92, within(1e-9));
        assertThat(footprint.kgCo2eLocation()).isCloseTo(8.86464, within(1e-9));
        assertThat(footprint.kgCo2eMarket()).isCloseTo(8.86464, within(1e-9)); // no market figure: falls back
        assertThat(footprint.tier()).isEqualTo(EvidenceTier.ESTIMATED);
        assertThat(String.join(" ", footprint.sources())).contains("80 GPU-h").contains("342").contains("Electricity Maps");
    }

    @Test
    void overheadAndEmbodiedEmissionsAreOptionalAdditions() {
        // 80 GPU-h x 270 W x overhead 1.5 x PUE 1.2 / 1000 = 38.88 kWh; x 342 / 1000 = 13.29696 kg
        // embodied 6.2 g/GPU-h x 80 GPU-h = 496 g = 0.496 kg -> 13.79296 kg
        OneOffRun run = OneOffRun.estimated("ft-1", RunKind.FINE_TUNE, 8, 10, 270, 1.2, "eu-central-1", JUNE_2025)
                .withOverheadFactor(1.5).withEmbodied(6.2);
        Footprint footprint = calculator.of(run);
        assertThat(footprint.kwh()).isCloseTo(38.88, within(1e-9));
        assertThat(footprint.kgCo2eLocation()).isCloseTo(13.79296, within(1e-9));
    }

    @Test
    void meteredKwhWinsOverGpuInputs() {
        OneOffRun run = new OneOffRun("ft-2", RunKind.FINE_TUNE, 80, 270, 1.2, 1.0, 30.0, "eu-central-1", JUNE_2025, null);
        Footprint footprint = calculator.of(run);
        // 30 kWh as metered; x 342 / 1000 = 10.26 kg
        assertThat(footprint.kwh()).isEqualTo(30.0);
        assertThat(footprint.kgCo2eLocation()).isCloseTo(10.26, within(1e-9));
        assertThat(footprint.tier()).isEqualTo(EvidenceTier.METERED);
    }

    @Test
    void severalRunsForOneCandidateAddUpAndTakeTheWeakestTier() {
        // the search (estimated 25.92 kWh, 8.86464 kg) + the final run (metered 30 kWh, 10.26 kg) = 55.92 kWh, 19.12464 kg
        Footprint total = calculator.total(List.of(
                OneOffRun.estimated("search", RunKind.FINE_TUNE, 8, 10, 270, 1.2, "eu-central-1", JUNE_2025),
                OneOffRun.metered("final", RunKind.FINE_TUNE, 30, "eu-central-1", JUNE_2025)));
        assertThat(total.kwh()).isCloseTo(55.92, within(1e-9));
        assertThat(total.kgCo2eLocation()).isCloseTo(19.12464, within(1e-9));
        assertThat(total.tier()).isEqualTo(EvidenceTier.ESTIMATED);
    }

    @Test
    void withoutAPueTheRegionsOrTheDefaultApplies() {
        // no PUE given, region eu-central-1 has no PUE row: default 1.58; 10 GPU-h x 400 W = 4 kWh x 1.58 = 6.32 kWh
        OneOffRun run = OneOffRun.estimated("x", RunKind.OTHER, 1, 10, 400, null, "eu-central-1", JUNE_2025);
        assertThat(calculator.of(run).kwh()).isCloseTo(6.32, within(1e-9));
    }
}
