package io.carbonllm.payback.methodology.footprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorRow;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        // no scope said: facility energy, so 30 kWh as metered (the run's PUE 1.2 is not applied); x 342 / 1000 = 10.26 kg
        assertThat(run.meteredScope()).isEqualTo(MeteredScope.FACILITY);
        assertThat(footprint.kwh()).isEqualTo(30.0);
        assertThat(footprint.kgCo2eLocation()).isCloseTo(10.26, within(1e-9));
        assertThat(footprint.tier()).isEqualTo(EvidenceTier.METERED);
        // and it used no PUE row, only the grid row
        assertThat(footprint.factorRows()).extracting(FactorRow::kind).containsExactly(FactorRow.Kind.GRID);
    }

    @Test
    void itMeteredKwhGetsTheProvidersPueAsInferenceDoes() {
        // Given 30 kWh metered at the servers on AWS in eu-central-1, June 2025
        OneOffRun run = OneOffRun.metered("ft-3", RunKind.FINE_TUNE, 30, MeteredScope.IT, "eu-central-1", "aws",
                JUNE_2025);
        // When
        Footprint footprint = calculator.of(run);
        // Then the AWS PUE applies (provider first): 30 x 1.14 = 34.2 kWh; x 342 / 1000 = 11.6964 kg
        assertThat(footprint.kwh()).isCloseTo(34.2, within(1e-9));
        assertThat(footprint.kgCo2eLocation()).isCloseTo(11.6964, within(1e-9));
        assertThat(footprint.tier()).isEqualTo(EvidenceTier.METERED);
        assertThat(String.join(" ", footprint.sources())).contains("30 kWh IT energy x PUE 1.14");
    }

    @Test
    void itMeteredKwhFallsBackToTheRegionsPueThenTheDefault() {
        // no provider row for vllm; swedencentral has a region row 1.16: 10 x 1.16 = 11.6 kWh; x 21 (2025) = 0.2436 kg
        OneOffRun sweden = OneOffRun.metered("a", RunKind.OTHER, 10, MeteredScope.IT, "swedencentral", "vllm", JUNE_2025);
        assertThat(calculator.of(sweden).kwh()).isCloseTo(11.6, within(1e-9));
        assertThat(calculator.of(sweden).kgCo2eLocation()).isCloseTo(0.2436, within(1e-9));
        // eu-central-1 has no region row: the default 1.58; 10 x 1.58 = 15.8 kWh
        OneOffRun germany = OneOffRun.metered("b", RunKind.OTHER, 10, MeteredScope.IT, "eu-central-1", null, JUNE_2025);
        assertThat(calculator.of(germany).kwh()).isCloseTo(15.8, within(1e-9));
        // the run's own PUE wins: 10 x 1.3 = 13 kWh
        OneOffRun given = new OneOffRun("c", RunKind.OTHER, 0, 0, 1.3, 1.0, 10.0, MeteredScope.IT, "eu-central-1",
                "aws", JUNE_2025, null);
        assertThat(calculator.of(given).kwh()).isCloseTo(13.0, within(1e-9));
    }

    @Test
    void anEstimatedRunLooksUpTheProvidersPueToo() {
        // 80 GPU-h x 270 W / 1000 = 21.6 kWh x AWS 1.14 = 24.624 kWh (not the default 1.58: 34.128 kWh)
        // x 342 g/kWh / 1000 = 8.421408 kg
        OneOffRun run = OneOffRun.estimated("ft-4", RunKind.FINE_TUNE, 8, 10, 270, null, "eu-central-1", JUNE_2025)
                .withProvider("aws");
        Footprint footprint = calculator.of(run);
        assertThat(footprint.kwh()).isCloseTo(24.624, within(1e-9));
        assertThat(footprint.kgCo2eLocation()).isCloseTo(8.421408, within(1e-9));
    }

    @Test
    void theFootprintRecordsThePueAndGridRowsItUsed() {
        OneOffRun run = OneOffRun.estimated("ft-4", RunKind.FINE_TUNE, 8, 10, 270, null, "eu-central-1", JUNE_2025)
                .withProvider("aws");
        Footprint footprint = calculator.of(run);
        assertThat(footprint.factorRows()).containsExactly(
                new FactorRow(FactorRow.Kind.PUE, "aws", FactorRow.Scope.PROVIDER, Instant.parse("2023-01-01T00:00:00Z"),
                        1.14, null, "EcoLogits tracers/utils.py provider default, upper end of 1.09-1.14 (AWS)"),
                new FactorRow(FactorRow.Kind.GRID, "eu-central-1", FactorRow.Scope.REGION,
                        Instant.parse("2025-01-01T00:00:00Z"), 342, null, "Electricity Maps 2025 yearly average,"
                        + " Germany (co2.js yearly_2025.json); a change of data source from the OWID 2023 row before"
                        + " it, not only of year"));
        // no market-based figure is configured for eu-central-1: the market-based CO2e is the location-based one
        assertThat(footprint.marketFallback()).isTrue();
    }

    @Test
    void runsAddUpTheirRowsOnceAndTheMarketFallbackOfAnyRun(@TempDir Path dir) throws Exception {
        // Given a user grid row for eu-north-1 with a market-based figure, and none for eu-central-1
        Path grid = dir.resolve("grid.csv");
        Files.writeString(grid, """
                region,effective_from,location_g_per_kwh,market_g_per_kwh,source
                eu-north-1,2025-03-01,21,0,"our PPA"
                """);
        FootprintCalculator withMarket = new FootprintCalculator(FactorTable.withOverrides(grid, null));
        OneOffRun north1 = OneOffRun.metered("n1", RunKind.FINE_TUNE, 10, "eu-north-1", JUNE_2025);
        OneOffRun north2 = OneOffRun.metered("n2", RunKind.FINE_TUNE, 5, "eu-north-1", JUNE_2025);
        OneOffRun central = OneOffRun.metered("c", RunKind.FINE_TUNE, 1, "eu-central-1", JUNE_2025);

        // When both Swedish runs add up: one grid row, and the market figure is real
        Footprint sweden = withMarket.total(List.of(north1, north2));
        assertThat(sweden.factorRows()).hasSize(1);
        assertThat(sweden.marketFallback()).isFalse();
        // 15 kWh x 0 g market-based = 0 kg; x 21 location-based = 0.315 kg
        assertThat(sweden.kgCo2eMarket()).isZero();
        assertThat(sweden.kgCo2eLocation()).isCloseTo(0.315, within(1e-12));

        // Then adding a run with no market figure flags the sum
        Footprint all = sweden.plus(withMarket.of(central));
        assertThat(all.factorRows()).hasSize(2);
        assertThat(all.marketFallback()).isTrue();
        assertThat(Footprint.NONE.plus(sweden)).isEqualTo(sweden);
    }

    @Test
    void aGridGivenDirectlyIsRecordedAsGiven() {
        Footprint footprint = calculator.of(OneOffRun.metered("x", RunKind.OTHER, 1, null, JUNE_2025),
                ResolvedGrid.given(100, "--training-grid-g-per-kwh"));
        assertThat(footprint.factorRows()).singleElement()
                .satisfies(row -> assertThat(row.scope()).isEqualTo(FactorRow.Scope.GIVEN));
        assertThat(footprint.marketFallback()).isTrue();
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
