package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import io.carbonllm.payback.core.disclosure.EnergyPart;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows carry energy and CO2e per successful task, from the methodology library, with coverage and evidence tier.
 * Event times are in January 2026, so the 2025 grid rows apply. 7B parametric IT energy: 7.328267e-5 Wh per output
 * token (EcoLogits v0.9, hand computation in EnergyModelTest).
 */
class EnergyWindowTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path stateDir;
    private TopologyFixture fx;

    @BeforeEach
    void setUp() {
        fx = new TopologyFixture(stateDir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private InferenceEvent event(String model, Double activeParams, String provider, String region, int second,
                                 long output, boolean success, Double meteredWh) {
        InferenceEvent e = fx.event(model, T0.plusSeconds(second).toEpochMilli(), 0, output, success);
        e.setActiveParamsB(activeParams);
        e.setProvider(provider);
        e.setRegion(region);
        e.setMeteredEnergyWh(meteredWh);
        return e;
    }

    @Test
    void energyPerSuccessfulTaskIncludesFailuresAndScalesByCoverage() {
        // Given, in window [T0, T0+60s), on Google (PUE 1.09) in eu-north-1 (21 g/kWh from 2025-01-01):
        fx.pipe(event("acme-7b", 7.0, "google", "eu-north-1", 1, 1000, true, null));   // 0.07328267 Wh IT
        fx.pipe(event("acme-7b", 7.0, "google", "eu-north-1", 2, 1000, false, null));  // same, failed
        // When a request of the same model arrives without a size (not in the catalog either): no energy figure
        fx.pipe(event("acme-7b", null, "google", "eu-north-1", 3, 1000, true, null));

        // Then: facility = 2 x 0.07328267 x 1.09 = 0.15975622 Wh over 2 covered of 3 requests, 2 successes
        //   Wh per successful task = 0.15975622 / 2 covered x 3 requests / 2 successes = 0.11981717
        //   gCO2e = 0.15975622 x 21 / 1000 = 0.00335488 g; per task 0.00335488 / 2 x 3 / 2 = 0.00251616
        VariantWindow w = last(fx.variantWindows.readValuesToList());
        assertThat(w.getRequests()).isEqualTo(3);
        assertThat(w.getCoveredRequests()).isEqualTo(2);
        assertThat(w.getEnergyCoverage()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(w.getEnergyTier()).isEqualTo("ESTIMATED");
        assertThat(w.getFacilityWh()).isCloseTo(0.15975622, within(1e-8));
        assertThat(w.getWhPerSuccessfulTask()).isCloseTo(0.11981717, within(1e-8));
        assertThat(w.getGCo2eLocation()).isCloseTo(0.00335488, within(1e-8));
        assertThat(w.getGCo2eLocationPerSuccessfulTask()).isCloseTo(0.00251616, within(1e-8));
        // no market-based figure is configured for eu-north-1: the location-based one stands in
        assertThat(w.getGCo2eMarketPerSuccessfulTask()).isEqualTo(w.getGCo2eLocationPerSuccessfulTask());
        assertThat(w.getWorldDefaultGridRequests()).isZero();

        // And the window store holds the same energy
        VariantStats stored = fx.storedWindow("acme-7b", T0.toEpochMilli());
        assertThat(stored.getFacilityWh()).isCloseTo(0.15975622, within(1e-8));
        assertThat(stored.getItWh()).isCloseTo(0.14656534, within(1e-8));
    }

    @Test
    void meteredAndBenchmarkedRequestsGiveTheWeakerTierAndAnUnknownRegionIsFlagged() {
        // Given no provider and no region: default PUE 1.58 (Uptime 2023), world grid 475 g/kWh (OWID 2023)
        // a metered request: 0.05 Wh IT -> 0.079 Wh facility
        fx.pipe(event("llama-3.1-8b-support-ft", null, null, null, 1, 1000, true, 0.05));
        // When a benchmarked one follows: 1000 x (0.119 J / 3600 + 8B server share 2.920923e-5 Wh) = 0.06226478 Wh IT
        //   (8B latency 0.00542807 + 0.01996358 + 0.01947372 = 0.04486537 s; / 3600 x 1200 W x 1/8 / 64)
        fx.pipe(event("llama-3.1-8b-support-ft", null, null, null, 2, 1000, true, null));

        // Then facility = 0.079 + 0.06226478 x 1.58 = 0.079 + 0.09837836 = 0.17737836 Wh; 2 successes -> 0.08868918
        //   gCO2e = 0.17737836 x 475 / 1000 = 0.08425472 g -> 0.04212736 per task
        VariantWindow w = last(fx.variantWindows.readValuesToList());
        assertThat(w.getEnergyTier()).isEqualTo("BENCHMARKED");
        assertThat(w.getEnergyCoverage()).isEqualTo(1.0);
        assertThat(w.getWhPerSuccessfulTask()).isCloseTo(0.08868918, within(1e-8));
        assertThat(w.getGCo2eLocationPerSuccessfulTask()).isCloseTo(0.04212736, within(1e-8));
        assertThat(w.getWorldDefaultGridRequests()).isEqualTo(2);
    }

    @Test
    void aGridIntensityChangeAppliesFromItsEffectiveTimeNotBefore() {
        // Given a new grid figure for eu-north-1 from 2026-01-01 (T0, midnight: factor rows start a day), 100 g/kWh
        // location-based, 0 market-based: a PPA, named
        fx.factors.pipeInput("GRID|region|eu-north-1|2026-01-01T00:00:00Z", io.carbonllm.payback.events.FactorUpdate.newBuilder()
                .setKind("GRID").setScope("region").setKey("eu-north-1").setEffectiveFrom(T0)
                .setValue(100).setMarketValue(0.0).setMarketInstrument("ppa").setSource("test: 2026 PPA").build());
        fx.driver.advanceWallClockTime(java.time.Duration.ofSeconds(6));   // the lookup table refreshes

        // When one request lands before it (2025-12-31 23:59:30) and one after (2026-01-01 00:00:30), each metered
        // 1.0 Wh on Google
        fx.pipe(event("acme-7b", 7.0, "google", "eu-north-1", -30, 10, true, 1.0));
        fx.pipe(event("acme-7b", 7.0, "google", "eu-north-1", 30, 10, true, 1.0));

        // Then 1.09 Wh x 21 / 1000 = 0.02289 g before (the 2025 row still applies), location and market alike;
        // and 1.09 x 100 / 1000 = 0.109 g location-based after, 0 market-based
        VariantStats before = fx.storedWindow("acme-7b", T0.minusSeconds(60).toEpochMilli());
        VariantStats after = fx.storedWindow("acme-7b", T0.toEpochMilli());
        assertThat(before.getGCo2eLocation()).isCloseTo(0.02289, within(1e-12));
        assertThat(before.getGCo2eMarket()).isCloseTo(0.02289, within(1e-12));
        assertThat(after.getGCo2eLocation()).isCloseTo(0.109, within(1e-12));
        assertThat(after.getGCo2eMarket()).isZero();
        // and each window keeps its 1.0 Wh of IT energy by what priced it: metered, at google, google's PUE row,
        // and the grid row of its time
        assertThat(parts(before)).containsExactly(tuple(
                EvidenceTier.METERED, "google", "GRID|region|eu-north-1|2025-01-01", 1.0));
        assertThat(parts(after)).containsExactly(tuple(
                EvidenceTier.METERED, "google", "GRID|region|eu-north-1|2026-01-01", 1.0));
        assertThat(EnergyPart.parseKey(
                after.getEnergyParts().keySet().iterator().next()).pueRowId()).startsWith("PUE|provider|google|");
    }

    /** A window's energy parts as (tier, provider, grid row id, IT Wh). */
    private static List<Tuple> parts(VariantStats window) {
        return window.getEnergyParts().entrySet().stream().map(e -> {
            var f = EnergyPart.parseKey(e.getKey());
            return tuple(f.tier(), f.provider(), f.gridRowId(), e.getValue());
        }).toList();
    }

    @Test
    void aMalformedRetrievalAttributeGoesToTheDlq() {
        InferenceEvent bad = event("acme-7b", 7.0, null, null, 1, 10, true, null);
        bad.setAttributes(java.util.Map.of("payback.retrieval.wh", "lots"));
        fx.pipe(bad);
        fx.pipe(event("acme-7b", 7.0, null, null, 2, 10, true, null));
        assertThat(fx.storedWindow("acme-7b", T0.toEpochMilli()).getRequests()).isEqualTo(1);
    }

    private static VariantWindow last(List<VariantWindow> windows) {
        assertThat(windows).isNotEmpty();
        return windows.get(windows.size() - 1);
    }
}
