package io.carbonllm.payback.core.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.MarketInstrument;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactorRowsTest {

    @Test
    void aRowResolvedFromItsIdCarriesItsMarketFigureAndInstrument() {
        // Given the shipped table plus a 2026 row for eu-west-1 with a residual-mix market figure
        FactorTable table = FactorTable.defaults().plus(List.of(new FactorTable.GridFactor("eu-west-1",
                Instant.parse("2026-01-01T00:00:00Z"), 301, 380.0, MarketInstrument.RESIDUAL_MIX, "AIB 2025")), List.of());

        // When the rows a window counted are resolved by id
        List<FactorRow> rows = FactorRows.resolve(Map.of("GRID|region|eu-west-1|2026-01-01", 7L,
                "GRID|region|eu-north-1|2025-01-01", 3L), table);

        // Then the Irish row says what its market figure rests on; the Swedish one has no market figure, so no instrument
        assertThat(rows).extracting(FactorRow::getId, FactorRow::getMarketValue, FactorRow::getMarketInstrument,
                FactorRow::getRequests).containsExactly(
                tuple("GRID|region|eu-north-1|2025-01-01", null, null, 3L),
                tuple("GRID|region|eu-west-1|2026-01-01", 380.0, "residual-mix", 7L));
    }
}
