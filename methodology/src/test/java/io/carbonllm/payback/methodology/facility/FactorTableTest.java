package io.carbonllm.payback.methodology.facility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.methodology.Csv;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactorTableTest {

    private final FactorTable factors = FactorTable.defaults();

    @Test
    void anIntensityChangeAppliesFromItsDateNotRetroactively() {
        // Sweden: OWID 2023 says 41 from 2023-01-01; Electricity Maps 2025 says 21 from 2025-01-01
        assertThat(factors.grid("eu-north-1", Instant.parse("2024-12-31T23:59:59Z")).locationGPerKwh()).isEqualTo(41);
        assertThat(factors.grid("eu-north-1", Instant.parse("2025-01-01T00:00:00Z")).locationGPerKwh()).isEqualTo(21);
    }

    @Test
    void anUnknownRegionUsesTheWorldDefaultAndSaysSo() {
        ResolvedGrid grid = factors.grid("mars-north-1", Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(grid.locationGPerKwh()).isEqualTo(475);
        assertThat(grid.worldDefault()).isTrue();
        assertThat(grid.marketIsFallback()).isTrue();
        assertThat(factors.grid("eu-west-1", Instant.parse("2026-01-01T00:00:00Z")).worldDefault()).isFalse();
    }

    @Test
    void pueComesFromTheProviderThenTheRegionThenTheDefault() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(factors.pue("google", "europe-west4", now).pue()).isEqualTo(1.09);
        assertThat(factors.pue("vllm", "swedencentral", now).pue()).isEqualTo(1.16);
        ResolvedPue unknown = factors.pue("vllm", "eu-north-1", now);
        assertThat(unknown.pue()).isEqualTo(1.58);
        assertThat(unknown.isDefault()).isTrue();
        assertThat(unknown.source()).contains("Uptime Institute");
    }

    @Test
    void userRowsAddMarketBasedFiguresAndSupersedeDefaults(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.csv");
        Files.writeString(grid, """
                region,effective_from,location_g_per_kwh,market_g_per_kwh,source
                eu-north-1,2026-01-01,18,0,"our 2026 PPA certificate"
                """);
        FactorTable withUser = FactorTable.withOverrides(grid, null);
        ResolvedGrid resolved = withUser.grid("eu-north-1", Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(resolved.locationGPerKwh()).isEqualTo(18);
        assertThat(resolved.marketGPerKwh()).isZero();
        assertThat(resolved.marketIsFallback()).isFalse();
        assertThat(resolved.source()).isEqualTo("our 2026 PPA certificate");
        assertThat(resolved.row().marketValue()).isZero();
        assertThat(resolved.row().marketIsFallback()).isFalse();
        // and before the user's date, the shipped value still applies
        assertThat(withUser.grid("eu-north-1", Instant.parse("2025-06-01T00:00:00Z")).locationGPerKwh()).isEqualTo(21);
    }

    @Test
    void aMarketBasedRowNamesItsInstrument(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.csv");
        Files.writeString(grid, """
                region,effective_from,location_g_per_kwh,market_g_per_kwh,market_instrument,source
                eu-west-1,2026-01-01,301,380,residual-mix,"AIB European residual mix 2025, Ireland"
                us-east-1,2026-01-01,418,0,PPA,"our 2026 wind PPA"
                eu-central-1,2026-01-01,342,,,"Electricity Maps 2025"
                """);
        FactorTable withUser = FactorTable.withOverrides(grid, null);
        Instant feb = Instant.parse("2026-02-01T00:00:00Z");

        ResolvedGrid ireland = withUser.grid("eu-west-1", feb);
        assertThat(ireland.marketGPerKwh()).isEqualTo(380);
        assertThat(ireland.marketInstrument()).isEqualTo(MarketInstrument.RESIDUAL_MIX);
        assertThat(ireland.row().marketInstrument()).isEqualTo(MarketInstrument.RESIDUAL_MIX);
        assertThat(withUser.grid("us-east-1", feb).row().marketInstrument()).isEqualTo(MarketInstrument.PPA);
        // no market figure: the location-based one stands in, and no instrument is claimed
        ResolvedGrid germany = withUser.grid("eu-central-1", feb);
        assertThat(germany.marketIsFallback()).isTrue();
        assertThat(germany.row().marketInstrument()).isNull();
    }

    @Test
    void anInstrumentWithoutAMarketFigureOrUnknownIsRejectedNamingTheLine(@TempDir Path dir) throws Exception {
        Path orphan = dir.resolve("orphan.csv");
        Files.writeString(orphan, """
                region,effective_from,location_g_per_kwh,market_g_per_kwh,market_instrument,source
                eu-west-1,2026-01-01,301,,rec,"certificates, but no figure"
                """);
        assertThatThrownBy(() -> FactorTable.withOverrides(orphan, null))
                .hasMessageContaining("line 2").hasMessageContaining("column market_instrument")
                .hasMessageContaining("needs a market_g_per_kwh");
        Path unknown = dir.resolve("unknown.csv");
        Files.writeString(unknown, """
                region,effective_from,location_g_per_kwh,market_g_per_kwh,market_instrument,source
                eu-west-1,2026-01-01,301,0,green-vibes,"a claim"
                """);
        assertThatThrownBy(() -> FactorTable.withOverrides(unknown, null))
                .hasMessageContaining("column market_instrument value 'green-vibes'")
                .hasMessageContaining("supplier-specific, residual-mix, ppa, rec");
    }

    @Test
    void aPueBelowOneIsRejectedNamingTheFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path pue = dir.resolve("pue.csv");
        Files.writeString(pue, """
                scope,key,effective_from,pue,source
                provider,acme,2026-01-01,0.9,"wishful"
                """);
        assertThatThrownBy(() -> FactorTable.withOverrides(null, pue))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(pue.toString())
                .hasMessageContaining("line 2")
                .hasMessageContaining("column pue")
                .hasMessageContaining("at least 1.0");
    }

    @Test
    void theResolvedPueSaysWhichRowItUsed() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        FactorRow aws = factors.pue("AWS", "eu-north-1", now).row();
        assertThat(aws).isEqualTo(new FactorRow(FactorRow.Kind.PUE, "aws", FactorRow.Scope.PROVIDER,
                Instant.parse("2023-01-01T00:00:00Z"), 1.14, null,
                "EcoLogits tracers/utils.py provider default, upper end of 1.09-1.14 (AWS)"));
        assertThat(aws.id()).isEqualTo("PUE|provider|aws|2023-01-01");
        assertThat(aws.marketIsFallback()).isFalse();
        ResolvedPue region = factors.pue(null, "swedencentral", now);
        assertThat(region.scope()).isEqualTo(FactorRow.Scope.REGION);
        assertThat(region.key()).isEqualTo("swedencentral");
        assertThat(region.isDefault()).isFalse();
        ResolvedPue fallback = factors.pue("vllm", "eu-north-1", now);
        assertThat(fallback.scope()).isEqualTo(FactorRow.Scope.DEFAULT);
        assertThat(fallback.key()).isEqualTo("*");
        assertThat(fallback.effectiveFrom()).isEqualTo(Instant.parse("2023-01-01T00:00:00Z"));
        // a PUE given directly has no row behind it, and the old constructor still works
        assertThat(ResolvedPue.given(1.3, "--training-pue").scope()).isEqualTo(FactorRow.Scope.GIVEN);
        assertThat(new ResolvedPue(1.58, true, "x").isDefault()).isTrue();
    }

    @Test
    void theResolvedGridSaysWhichRowItUsed() {
        ResolvedGrid grid = factors.grid("EU-North-1", Instant.parse("2025-06-01T00:00:00Z"));
        assertThat(grid.row().kind()).isEqualTo(FactorRow.Kind.GRID);
        assertThat(grid.row().key()).isEqualTo("eu-north-1");
        assertThat(grid.row().scope()).isEqualTo(FactorRow.Scope.REGION);
        assertThat(grid.row().effectiveFrom()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(grid.row().value()).isEqualTo(21);
        assertThat(grid.row().marketIsFallback()).isTrue();
        assertThat(grid.row().marketValue()).isNull();
        assertThat(grid.row().id()).isEqualTo("GRID|region|eu-north-1|2025-01-01");
        FactorRow world = factors.grid("mars-north-1", Instant.parse("2025-06-01T00:00:00Z")).row();
        assertThat(world.scope()).isEqualTo(FactorRow.Scope.DEFAULT);
        assertThat(world.key()).isEqualTo("*");
        assertThat(world.id()).isEqualTo("GRID|default|*|2023-01-01");
        assertThat(ResolvedGrid.given(342, "--training-grid-g-per-kwh").row().scope()).isEqualTo(FactorRow.Scope.GIVEN);
    }

    @Test
    void everyRegionWithAPueRowHasItsOwnGridRowNotTheWorldDefault() throws Exception {
        List<String> regionPueKeys;
        try (InputStream in = FactorTable.class.getResourceAsStream("/io/carbonllm/payback/methodology/facility-pue.csv")) {
            regionPueKeys = Csv.read(in, "facility-pue.csv").stream()
                    .filter(row -> row.text("scope").equalsIgnoreCase("region"))
                    .map(row -> row.text("key").toLowerCase(Locale.ROOT)).toList();
        }
        assertThat(regionPueKeys).contains("swedencentral");
        for (String region : regionPueKeys) {
            for (String at : new String[] {"2022-06-01T00:00:00Z", "2024-06-01T00:00:00Z", "2026-06-01T00:00:00Z"}) {
                ResolvedGrid grid = factors.grid(region, Instant.parse(at));
                assertThat(grid.worldDefault()).as(region + " at " + at).isFalse();
                assertThat(grid.row().key()).as(region + " at " + at).isEqualTo(region);
            }
        }
    }

    @Test
    void azureSwedenCentralUsesTheSwedishGridLikeEuNorth1() {
        // OWID 2023 Sweden 41 until the end of 2024, Electricity Maps 2025 Sweden 21 from 2025, as for eu-north-1
        ResolvedGrid y2024 = factors.grid("swedencentral", Instant.parse("2024-12-31T23:59:59Z"));
        ResolvedGrid y2025 = factors.grid("swedencentral", Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(y2024.locationGPerKwh()).isEqualTo(41);
        assertThat(y2025.locationGPerKwh()).isEqualTo(21);
        assertThat(y2025.source()).contains("Azure Sweden Central is in Sweden");
    }

    @Test
    void aChangeOfDataSourceIsSaidInTheLaterRowsSource() {
        Instant y2025 = Instant.parse("2025-06-01T00:00:00Z");
        for (String region : new String[] {"us-east-1", "eu-north-1", "eu-west-1", "eu-central-1", "swedencentral"}) {
            assertThat(factors.grid(region, y2025).source()).as(region)
                    .contains("Electricity Maps").contains("a change of data source").contains("not only of year");
        }
        assertThat(factors.grid("us-east-1", y2025).source()).contains("OWID US average");
    }
}

