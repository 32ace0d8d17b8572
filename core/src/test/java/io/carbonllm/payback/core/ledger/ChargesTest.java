package io.carbonllm.payback.core.ledger;

import static io.carbonllm.payback.core.Traffic.FACTORS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.ChargedRun;
import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.footprint.FootprintCalculator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A candidate's one-off runs, each priced once. The runs: 100 kWh metered, on Google (PUE row 1.09) in eu-central-1
 * (342 g/kWh from 2025-01-01) on 2025-06-01.
 */
class ChargesTest {

    private static final Instant JUNE = Instant.parse("2025-06-01T00:00:00Z");

    private static TrainingRun metered(String runId, double kwh, String scope) {
        return TrainingRun.newBuilder().setRunId(runId).setKind("FINE_TUNE").setMeteredKwh(kwh).setMeteredScope(scope)
                .setProvider("google").setRegion("eu-central-1").setStartedAt(JUNE).build();
    }

    private static FactorTable corrected() {
        return FACTORS.plus(List.of(new FactorTable.GridFactor("eu-central-1", Instant.parse("2025-01-01T00:00:00Z"),
                300.0, null, "Electricity Maps 2025, revised")), List.of());
    }

    private static Charges.Charged charge(Map<String, ChargedRun> charged, Map<String, TrainingRun> runs,
                                          FactorTable table, String... runIds) {
        return Charges.charge(charged, List.of(runIds), runs::get, new FootprintCalculator(table));
    }

    @Test
    void itMeteredEnergyGetsTheProvidersPueAndFacilityMeteredEnergyDoesNot() {
        // Given the same 100 kWh metered at the servers (IT) and at the facility
        Map<String, TrainingRun> runs = Map.of("it", metered("it", 100, "IT"), "facility", metered("facility", 100, "FACILITY"));

        // When
        Charges.Charged it = charge(Map.of(), runs, FACTORS, "it");
        Charges.Charged facility = charge(Map.of(), runs, FACTORS, "facility");
        Charges.Charged both = charge(Map.of(), runs, FACTORS, "it", "facility");

        // Then IT: 100 x 1.09 = 109 kWh = 109,000 Wh, x 342 = 37,278 g, priced with Google's PUE row and the grid row
        assertThat(it.footprint().wh()).isCloseTo(109_000.0, within(1e-6));
        assertThat(it.footprint().gCo2eLocation()).isCloseTo(37_278.0, within(1e-6));
        assertThat(it.footprint().gCo2eMarket()).isCloseTo(37_278.0, within(1e-6));
        assertThat(it.tier()).isEqualTo(EvidenceTier.METERED);
        assertThat(it.factorRows()).extracting(FactorRow::getId)
                .containsExactly("GRID|region|eu-central-1|2025-01-01", "PUE|provider|google|2023-01-01");
        // and FACILITY: 100 kWh = 100,000 Wh as is, x 342 = 34,200 g, no PUE row
        assertThat(facility.footprint().wh()).isCloseTo(100_000.0, within(1e-6));
        assertThat(facility.footprint().gCo2eLocation()).isCloseTo(34_200.0, within(1e-6));
        assertThat(facility.factorRows()).extracting(FactorRow::getId)
                .containsExactly("GRID|region|eu-central-1|2025-01-01");
        // and both add up: 209,000 Wh, 71,478 g; no market-based figure in the shipped grid rows
        assertThat(both.footprint().wh()).isCloseTo(209_000.0, within(1e-6));
        assertThat(both.footprint().gCo2eLocation()).isCloseTo(71_478.0, within(1e-6));
        assertThat(both.marketFallback()).isTrue();
        assertThat(both.incomplete()).isFalse();
    }

    @Test
    void aFactorCorrectedLaterDoesNotRepriceAChargedRunButACorrectedRunIsRepriced() {
        // Given the IT-metered run charged with the shipped tables: 109 kWh x 342 = 37,278 g
        Map<String, TrainingRun> runs = new HashMap<>(Map.of("it", metered("it", 100, "IT")));
        Charges.Charged first = charge(Map.of(), runs, FACTORS, "it");

        // When eu-central-1's 2025 factor is corrected to 300 g/kWh and the runs are charged again
        Charges.Charged again = charge(first.runs(), runs, corrected(), "it");
        Charges.Charged fresh = charge(Map.of(), runs, corrected(), "it");
        // and then the run itself is corrected (120 kWh), and separately only relabelled
        runs.put("it", metered("it", 120, "IT"));
        Charges.Charged correctedRun = charge(first.runs(), runs, corrected(), "it");
        runs.put("it", TrainingRun.newBuilder(metered("it", 100, "IT")).setCandidateModel("llama-3.1-8b-triage").build());
        Charges.Charged relabelled = charge(first.runs(), runs, corrected(), "it");

        // Then the charged run keeps its price: 37,278 g, the same stored record
        assertThat(again.runs().get("it")).isEqualTo(first.runs().get("it"));
        assertThat(again.footprint().gCo2eLocation()).isCloseTo(37_278.0, within(1e-6));
        assertThat(again.factorRows()).extracting(FactorRow::getValue).contains(342.0);
        // while a run never charged before takes the corrected factor: 109 x 300 = 32,700 g
        assertThat(fresh.footprint().gCo2eLocation()).isCloseTo(32_700.0, within(1e-6));
        // and a corrected run is priced again, with the factors now in use: 120 x 1.09 = 130.8 kWh x 300 = 39,240 g
        assertThat(correctedRun.footprint().wh()).isCloseTo(130_800.0, within(1e-6));
        assertThat(correctedRun.footprint().gCo2eLocation()).isCloseTo(39_240.0, within(1e-6));
        // as is a run with any other field changed: 109 x 300 = 32,700 g
        assertThat(relabelled.footprint().gCo2eLocation()).isCloseTo(32_700.0, within(1e-6));
    }

    @Test
    void aRunNotPublishedYetIsMissingAndAnInvalidOneIsNotCharged() {
        // Given a run that needs meteredKwh for its scope and has none, and a run training-runs does not hold
        TrainingRun invalid = TrainingRun.newBuilder().setRunId("bad").setMeteredScope("IT").setStartedAt(JUNE).build();
        Map<String, TrainingRun> runs = Map.of("it", metered("it", 100, "IT"), "bad", invalid);

        // When
        Charges.Charged charged = charge(Map.of(), runs, FACTORS, "it", "later", "bad");

        // Then only the valid run is in the footprint, and the ledger knows it is incomplete
        assertThat(charged.runs()).containsOnlyKeys("it");
        assertThat(charged.footprint().wh()).isCloseTo(109_000.0, within(1e-6));
        assertThat(charged.missing()).containsExactly("later");
        assertThat(charged.invalid()).containsExactly("bad");
        assertThat(charged.incomplete()).isTrue();
    }
}
