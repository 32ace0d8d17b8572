package io.carbonllm.payback.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.PaybackStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The console's ledger row, formatted without Kafka from a status built as the streams app publishes it. */
class WindowSummaryTest {

    private static PaybackStatus.Builder status(String basis, String state) {
        return PaybackStatus.newBuilder()
                .setComparisonId("support-bot").setCandidateId("ft-8b")
                .setUseCase("support").setModelId("llama-3.1-8b-ft")
                .setBasis(basis).setStatus(state);
    }

    private static BasisLedger.Builder basis(String unit, String state, double saved, double footprint, Double ratio) {
        return BasisLedger.newBuilder().setUnit(unit).setStatus(state)
                .setSaved(saved).setFootprint(footprint).setPaybackRatio(ratio);
    }

    @Test
    void aPaidBackEnergyLedgerShowsBothPaybackPercentagesAndItsEvidence() {
        // Given energy paid back: 12,500 Wh saved of a 10,000 Wh footprint, ratio 12,500 / 10,000 = 1.25 -> 125%;
        // CO2e location-based: 300 g saved of 5,000 g, ratio 300 / 5,000 = 0.06 -> 6%
        PaybackStatus s = status("ENERGY", "PAID_BACK")
                .setEnergy(basis("Wh", "PAID_BACK", 12_500, 10_000, 1.25).build())
                .setCo2eLocation(basis("gCO2e", "PAYING_BACK", 300, 5_000, 0.06).build())
                .setSavingTier("ESTIMATED").setFootprintTier("METERED")
                .build();

        // When
        String row = WindowSummary.ledgerRow(s, ZoneOffset.UTC);

        // Then: the energy basis adds no suffix; paid back, so no projected break-even ("-")
        assertThat(row).isEqualTo(String.format("  %-30s %-25s %10s %10s %8s %9s  %-27s %s",
                "support-bot/ft-8b", "PAID_BACK", "12500.0", "10000.0", "125%", "6%", "estimated/metered", "-"));
    }

    @Test
    void aMissingBasisLedgerReadsNotAvailableAndTheDrivingBasisGivesTheBreakEven() {
        // Given a status driven by location-based CO2e whose producer left out the energy ledger, with a CO2e
        // break-even projected for 2025-01-02 03:04 UTC and 40% of the 5,000 g repaid (2,000 / 5,000 = 0.4)
        PaybackStatus s = status("CO2E_LOCATION", "PAYING_BACK")
                .setCo2eLocation(basis("gCO2e", "PAYING_BACK", 2_000, 5_000, 0.4)
                        .setProjectedBreakEvenAt(Instant.parse("2025-01-02T03:04:00Z")).build())
                .setSavingTier("BENCHMARKED").setFootprintTier("ESTIMATED").setEnergyCoverage(0.9)
                .build();

        // When
        String row = WindowSummary.ledgerRow(s, ZoneOffset.UTC);

        // Then no NullPointerException: "n/a" for the energy figures, the basis named, the break-even from CO2e,
        // and the partial coverage (0.9 -> 90%) in the evidence
        assertThat(row).isEqualTo(String.format("  %-30s %-25s %10s %10s %8s %9s  %-27s %s",
                "support-bot/ft-8b", "PAYING_BACK (CO2E_LOCATION)", "n/a", "n/a", "n/a", "40%",
                "benchmarked/estimated, 90% cov.", "Jan 2 03:04"));
    }

    @Test
    void deadLettersAreCountedByStage() {
        Map<String, Long> counts = new TreeMap<>();
        assertThat(WindowSummary.byStage(counts)).isEmpty();
        counts.put("validate", 2L);
        counts.put("late", 1L);
        // sorted by stage name: late before validate
        assertThat(WindowSummary.byStage(counts)).isEqualTo(" (late 1, validate 2)");
    }

    @Test
    void skippedDefinitionsAreShownByTopicOnlyWhenThereAreAny() {
        assertThat(WindowSummary.skippedLine(Map.of())).isEmpty();
        assertThat(WindowSummary.skippedLine(new TreeMap<>(Map.of("training-runs", 2L, "comparisons", 1L))))
                .isEqualTo("  definitions skipped as invalid: 3 (comparisons 1, training-runs 2); the log names each key and offset");
    }
}
