package io.carbonllm.payback.methodology.facility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
        // and before the user's date, the shipped value still applies
        assertThat(withUser.grid("eu-north-1", Instant.parse("2025-06-01T00:00:00Z")).locationGPerKwh()).isEqualTo(21);
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
}
