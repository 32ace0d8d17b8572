package io.carbonllm.payback.core.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.core.disclosure.PeriodTotal.SubjectKind;
import io.carbonllm.payback.core.evidence.FactorRows;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorTable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DayTotalsTest {

    private static final FactorTable TABLE = FactorTable.defaults();
    /** Shipped rows: aws's PUE 1.14 (provider), eu-north-1 at 21 g from 2025-01-01. */
    private static final String AWS_PUE = TABLE.pue("aws", null, Instant.parse("2026-07-01T00:00:00Z")).row().id();
    private static final String SWEDEN = TABLE.grid("eu-north-1", Instant.parse("2026-07-01T00:00:00Z")).row().id();

    @Test
    void aWindowCountsInTheUtcDayOfItsStart() {
        assertThat(DayTotals.dayOf(Instant.parse("2026-07-01T23:59:00Z"))).isEqualTo(LocalDate.parse("2026-07-01"));
        assertThat(DayTotals.dayOf(Instant.parse("2026-07-02T00:00:00Z"))).isEqualTo(LocalDate.parse("2026-07-02"));
    }

    @Test
    void closedWindowsAddTheirPartsAndCountsAndNothingUnresolvedIsPricedOrLost() {
        // Given two closed windows of the fine-tune on 2026-07-01 at aws in eu-north-1: 100 requests (90 covered) with
        // 30 Wh estimated, then 50 requests (50 covered) with 10 Wh estimated and 5 Wh whose grid row the table no
        // longer holds (a factors-topic row replaced since)
        String estimated = EnergyPart.key(EvidenceTier.ESTIMATED, "aws", AWS_PUE, SWEDEN);
        String orphan = EnergyPart.key(EvidenceTier.ESTIMATED, "aws", AWS_PUE, "GRID|region|eu-north-1|2026-06-15");
        PeriodTotal day = PeriodTotal.empty("cmp-1", SubjectKind.INFERENCE, "llama-8b-ft", LocalDate.parse("2026-07-01"),
                null);

        // When both are added
        day = DayTotals.add(day, Map.of(estimated, 30.0), 30.0, 100, 90, id -> FactorRows.row(id, TABLE));
        day = DayTotals.add(day, Map.of(estimated, 10.0, orphan, 5.0), 15.0, 50, 50, id -> FactorRows.row(id, TABLE));

        // Then 40 Wh IT x 1.14 = 45.6 Wh facility, x 21 / 1000 = 0.9576 g location-based (and market-based: cloud
        // electricity takes the location-based figure); 150 requests, 140 covered; 5 Wh unresolved, not priced
        assertThat(day.facilityWh()).isCloseTo(45.6, within(1e-9));
        assertThat(day.gCo2eLocation()).isCloseTo(0.9576, within(1e-12));
        assertThat(day.gCo2eMarket()).isCloseTo(0.9576, within(1e-12));
        assertThat(day.requests()).isEqualTo(150);
        assertThat(day.coveredRequests()).isEqualTo(140);
        assertThat(day.unresolvedItWh()).isEqualTo(5.0);
        assertThat(day.gCo2eLocationByScope()).containsOnlyKeys(GhgScope.SCOPE_3_CATEGORY_1);
        assertThat(day.tierMix().estimatedWh()).isCloseTo(45.6, within(1e-9));
        assertThat(day.tierMix().meteredWh() + day.tierMix().benchmarkedWh()).isZero();
    }

    @Test
    void aWindowFromBeforeWindowsCarriedPartsIsCountedAsUnresolvedNotLost() {
        // Given a closed window stored before the upgrade: 12 Wh of IT energy, no parts; and one with 8 Wh of which
        // its parts account for 6 Wh
        String estimated = EnergyPart.key(EvidenceTier.ESTIMATED, "aws", AWS_PUE, SWEDEN);
        PeriodTotal day = PeriodTotal.empty("cmp-1", SubjectKind.INFERENCE, "llama-8b-ft", LocalDate.parse("2026-07-01"),
                null);

        // When both are added
        day = DayTotals.add(day, Map.of(), 12.0, 10, 10, id -> FactorRows.row(id, TABLE));
        day = DayTotals.add(day, Map.of(estimated, 6.0), 8.0, 5, 5, id -> FactorRows.row(id, TABLE));

        // Then 12 + (8 - 6) = 14 Wh are unresolved, and only the 6 Wh in parts are priced: 6 x 1.14 = 6.84 Wh facility
        assertThat(day.unresolvedItWh()).isCloseTo(14.0, within(1e-12));
        assertThat(day.facilityWh()).isCloseTo(6.84, within(1e-12));
    }
}
