package io.carbonllm.payback.core.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.core.disclosure.PeriodTotal.SubjectKind;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorRow;
import io.carbonllm.payback.methodology.facility.FactorRow.Kind;
import io.carbonllm.payback.methodology.facility.FactorRow.Scope;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A closed day's totals are never changed in place: a correction that arrives after the day closed restates it, with
 * the old and the new figures, the reason and the rows or run that changed.
 */
class RestatementsTest {

    private static final FactorRow PUE_AWS = new FactorRow(Kind.PUE, "aws", Scope.PROVIDER,
            Instant.parse("2023-01-01T00:00:00Z"), 1.14, null, "EcoLogits provider defaults");
    private static final FactorRow GRID_SE_2025 = new FactorRow(Kind.GRID, "eu-north-1", Scope.REGION,
            Instant.parse("2025-01-01T00:00:00Z"), 21, null, "Electricity Maps 2025");
    private static final FactorRow GRID_US_2025 = new FactorRow(Kind.GRID, "us-east-1", Scope.REGION,
            Instant.parse("2025-01-01T00:00:00Z"), 418, 250.0, "Electricity Maps 2025; supplier-specific 250");
    /** Published later: eu-north-1 from 2026-01-01 at 25 g. */
    private static final FactorRow GRID_SE_2026 = new FactorRow(Kind.GRID, "eu-north-1", Scope.REGION,
            Instant.parse("2026-01-01T00:00:00Z"), 25, null, "Electricity Maps 2026");
    private static final FactorCorrection SE_2026 = new FactorCorrection(GRID_SE_2025, GRID_SE_2026,
            "grid factor published later for a past date");

    private static final EnergyPart ESTIMATED_SE = new EnergyPart(EvidenceTier.ESTIMATED, PUE_AWS, GRID_SE_2025);
    private static final EnergyPart METERED_US = new EnergyPart(EvidenceTier.METERED, PUE_AWS, GRID_US_2025);

    private static final Instant NOW = Instant.parse("2026-09-01T12:00:00Z");

    /**
     * Day 2026-07-01 of the fine-tune's inference, on the organisation's own servers (the comparison says so): 1,000 Wh
     * estimated in Sweden, 500 Wh metered in Virginia (IT).
     */
    private static PeriodTotal inference(LocalDate day) {
        return PeriodTotal.empty("cmp-1", SubjectKind.INFERENCE, "llama-8b-ft", day, Ownership.OWNED)
                .plus(ESTIMATED_SE, 1000).plus(METERED_US, 500).plusRequests(100, 90);
    }

    @Test
    void aDaysFiguresDeriveFromItsEnergyParts() {
        PeriodTotal day = inference(LocalDate.parse("2026-07-01"));

        // facility = (1,000 + 500) x 1.14 = 1,140 + 570 = 1,710 Wh
        assertThat(day.facilityWh()).isCloseTo(1710, within(1e-9));
        // location = 1,140 x 21 / 1000 + 570 x 418 / 1000 = 23.94 + 238.26 = 262.2 g
        assertThat(day.gCo2eLocation()).isCloseTo(262.2, within(1e-9));
        // market = 23.94 (Sweden has no market figure: location stands in) + 570 x 250 / 1000 = 142.5 -> 166.44 g
        assertThat(day.gCo2eMarket()).isCloseTo(166.44, within(1e-9));
        assertThat(day.marketFallbackWh()).isCloseTo(1140, within(1e-9));
        assertThat(day.tierMix()).isEqualTo(new TierMix(570, 0, 1140));
        assertThat(day.tier()).isEqualTo(EvidenceTier.ESTIMATED);
        assertThat(day.coverage()).isEqualTo(0.9);
        assertThat(day.gCo2eLocationByScope()).containsOnlyKeys(GhgScope.SCOPE_2);
        assertThat(day.factorRows()).containsExactly(PUE_AWS, GRID_SE_2025, GRID_US_2025);
        assertThat(day.key()).isEqualTo("5:cmp-1/INFERENCE/11:llama-8b-ft/2026-07-01");
        // its CO2e ranges from its grams per tier, not its energy shares: metered 238.26 g -> [214.43, 262.09],
        // estimated 23.94 g -> [7.98, 71.82]: [222.41, 333.91] g
        Uncertainty.Range range = Uncertainty.range(day.gCo2eLocationByTier());
        assertThat(range.low()).isCloseTo(222.414, within(1e-9));
        assertThat(range.high()).isCloseTo(333.906, within(1e-9));
    }

    @Test
    void withoutAGivenOwnershipEachPartsProviderPlacesItsEmissions() {
        // Given a day whose inference ran partly on owned hardware (no provider) in Sweden and partly at aws in
        // Virginia, and a definition that says nothing of ownership
        PeriodTotal day = PeriodTotal.empty("cmp-1", SubjectKind.INFERENCE, "llama-8b-ft", LocalDate.parse("2026-07-01"),
                        null)
                .plus(new EnergyPart(EvidenceTier.ESTIMATED, null, PUE_AWS, GRID_SE_2025), 1000)
                .plus(new EnergyPart(EvidenceTier.METERED, "aws", PUE_AWS, GRID_US_2025), 500);

        // Then Sweden's 23.94 g location-based (and market-based: a fallback) are Scope 2, Virginia's 238.26 g Scope 3
        // Category 1, where the row's market figure (250 g, the organisation's contract) does not apply: market-based
        // it is at its location-based figure too, and all 1,710 Wh are counted as a fallback
        assertThat(day.gCo2eLocationByScope().get(GhgScope.SCOPE_2)).isCloseTo(23.94, within(1e-9));
        assertThat(day.gCo2eLocationByScope().get(GhgScope.SCOPE_3_CATEGORY_1)).isCloseTo(238.26, within(1e-9));
        assertThat(day.gCo2eMarketByScope().get(GhgScope.SCOPE_2)).isCloseTo(23.94, within(1e-9));
        assertThat(day.gCo2eMarketByScope().get(GhgScope.SCOPE_3_CATEGORY_1)).isCloseTo(238.26, within(1e-9));
        assertThat(day.marketFallbackWh()).isCloseTo(1710, within(1e-9));
        assertThat(day.embodiedScope()).isNull();
    }

    @Test
    void aPartsKeyNamesItsFieldsAndReadsBack() {
        EnergyPart part = new EnergyPart(EvidenceTier.METERED, "aws", PUE_AWS, GRID_US_2025);
        EnergyPart.KeyFields fields = EnergyPart.parseKey(part.key());
        assertThat(fields).isEqualTo(new EnergyPart.KeyFields(EvidenceTier.METERED, "aws", PUE_AWS.id(),
                GRID_US_2025.id()));
        assertThat(EnergyPart.parseKey(new EnergyPart(EvidenceTier.ESTIMATED, null, null, GRID_SE_2025).key()))
                .isEqualTo(new EnergyPart.KeyFields(EvidenceTier.ESTIMATED, null, null, GRID_SE_2025.id()));
        assertThatThrownBy(() -> EnergyPart.parseKey("GRID|region|x|2025-01-01"))
                .hasMessageContaining("not an energy part key");
    }

    @Test
    void aFactorPublishedLaterForAPastDateRestatesTheClosedDaysItCovers() {
        // Given 2026-07-01 closed and written as version 1
        PeriodTotal written = inference(LocalDate.parse("2026-07-01"));

        // When eu-north-1's 2026 row (25 g from 2026-01-01) arrives after the day closed
        Optional<Restatement> restated = Restatements.forFactor(written, SE_2026, NOW);

        // Then the day is restated as version 2: the Swedish 1,140 Wh at 25 g: 28.5 g instead of 23.94,
        // location 28.5 + 238.26 = 266.76 g, market 28.5 + 142.5 = 171.0 g; energy unchanged
        assertThat(restated).isPresent();
        Restatement r = restated.get();
        assertThat(r.before()).isSameAs(written);
        assertThat(r.after().version()).isEqualTo(2);
        assertThat(r.after().facilityWh()).isCloseTo(1710, within(1e-9));
        assertThat(r.after().gCo2eLocation()).isCloseTo(266.76, within(1e-9));
        assertThat(r.after().gCo2eMarket()).isCloseTo(171.0, within(1e-9));
        assertThat(r.before().gCo2eLocation()).isCloseTo(262.2, within(1e-9));
        assertThat(r.after().factorRows()).containsExactly(PUE_AWS, GRID_SE_2026, GRID_US_2025);
        assertThat(r.reason()).isEqualTo("grid factor published later for a past date");
        assertThat(r.cause()).isEqualTo("GRID|region|eu-north-1|2025-01-01 -> GRID|region|eu-north-1|2026-01-01");
        assertThat(r.key()).isEqualTo("5:cmp-1/INFERENCE/11:llama-8b-ft/2026-07-01/v2");
        assertThat(r.restatedAt()).isEqualTo(NOW);
    }

    @Test
    void aFactorNeverReachesBackBeforeItsDateNorIntoDaysThatDidNotUseTheRowItReplaces() {
        // a day before the new row's date keeps the 2025 row
        assertThat(Restatements.forFactor(inference(LocalDate.parse("2025-12-31")), SE_2026, NOW)).isEmpty();
        // a day all in Virginia did not use the Swedish row
        PeriodTotal virginia = PeriodTotal.empty("cmp-1", SubjectKind.INFERENCE, "llama-70b", LocalDate.parse("2026-07-01"),
                Ownership.CLOUD).plus(METERED_US, 500);
        assertThat(Restatements.forFactor(virginia, SE_2026, NOW)).isEmpty();
    }

    @Test
    void aCorrectionThatChangesNoFigureMakesNoRecordAndCorrectionsChain() {
        PeriodTotal written = inference(LocalDate.parse("2026-07-01"));
        assertThat(Restatements.of(written, inference(LocalDate.parse("2026-07-01")), "recomputed", "none", NOW)).isEmpty();

        // a second correction restates version 2 into version 3: Sweden at 30 g -> 1,140 x 30 / 1000 = 34.2 g,
        // location 34.2 + 238.26 = 272.46 g
        Restatement first = Restatements.forFactor(written, SE_2026, NOW).orElseThrow();
        FactorRow grid2026Revised = new FactorRow(Kind.GRID, "eu-north-1", Scope.REGION,
                Instant.parse("2026-01-01T00:00:00Z"), 30, null, "Electricity Maps 2026, revised");
        Restatement second = Restatements.forFactor(first.after(),
                new FactorCorrection(GRID_SE_2026, grid2026Revised, "grid factor revised by its publisher"), NOW)
                .orElseThrow();
        assertThat(second.before().version()).isEqualTo(2);
        assertThat(second.after().version()).isEqualTo(3);
        assertThat(second.after().gCo2eLocation()).isCloseTo(272.46, within(1e-9));
    }

    @Test
    void aRowIsReplacedOnlyByOneOfItsKindScopeAndKeyFromItsDateOn() {
        assertThatThrownBy(() -> new FactorCorrection(GRID_SE_2025, GRID_US_2025, "wrong region"))
                .hasMessageContaining("same kind, scope and key");
        assertThatThrownBy(() -> new FactorCorrection(GRID_SE_2026, GRID_SE_2025, "backwards"))
                .hasMessageContaining("never before");
    }

    @Test
    void aRunCorrectedAfterItsDayClosedIsRestatedWithTheOldAndNewFigures() {
        // Given run r1 (cloud) closed on 2026-07-02 as an estimate: 100 kWh IT at PUE 1.14 in Virginia, 500 g embodied
        LocalDate day = LocalDate.parse("2026-07-02");
        PeriodTotal written = PeriodTotal.empty("cmp-1", SubjectKind.ONE_OFF_RUN, "r1", day, Ownership.CLOUD)
                .plus(new EnergyPart(EvidenceTier.ESTIMATED, PUE_AWS, GRID_US_2025), 100_000).plusEmbodied(500);

        // When the run is corrected: 80 kWh metered at the facility (no PUE), same embodied
        PeriodTotal corrected = PeriodTotal.empty("cmp-1", SubjectKind.ONE_OFF_RUN, "r1", day, Ownership.CLOUD)
                .plus(new EnergyPart(EvidenceTier.METERED, null, GRID_US_2025), 80_000).plusEmbodied(500);
        Restatement r = Restatements.of(written, corrected, "run corrected", "run r1, version 2", NOW).orElseThrow();

        // Then before: 114,000 Wh, location 114,000 x 418 / 1000 = 47,652 g, estimated; after: 80,000 Wh, 33,440 g,
        // metered; market-based the same (a cloud run is Scope 3 Category 1, where the region's contract figure does
        // not apply); embodied included in Category 1
        assertThat(r.before().facilityWh()).isCloseTo(114_000, within(1e-6));
        assertThat(r.before().gCo2eLocation()).isCloseTo(47_652, within(1e-6));
        assertThat(r.before().gCo2eMarket()).isCloseTo(47_652, within(1e-6));
        assertThat(r.before().tier()).isEqualTo(EvidenceTier.ESTIMATED);
        assertThat(r.after().facilityWh()).isCloseTo(80_000, within(1e-6));
        assertThat(r.after().gCo2eLocation()).isCloseTo(33_440, within(1e-6));
        assertThat(r.after().gCo2eMarket()).isCloseTo(33_440, within(1e-6));
        assertThat(r.after().tier()).isEqualTo(EvidenceTier.METERED);
        assertThat(r.after().embodiedScope()).isEqualTo(GhgScope.SCOPE_3_CATEGORY_1);
        assertThat(r.key()).isEqualTo("5:cmp-1/ONE_OFF_RUN/2:r1/2026-07-02/v2");
    }
}
