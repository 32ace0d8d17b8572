package io.carbonllm.payback.core.definition;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.FactorUpdate;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FactorUpdatesTest {

    private static FactorUpdate.Builder grid() {
        return FactorUpdate.newBuilder().setKind("GRID").setScope("region").setKey("eu-west-1")
                .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setValue(301).setSource("AIB 2025");
    }

    @Test
    void aMarketBasedRowMayNameItsInstrument() {
        assertThat(FactorUpdates.problems(grid().setMarketValue(380.0).setMarketInstrument("residual-mix").build()))
                .isEmpty();
        assertThat(FactorUpdates.problems(grid().setMarketValue(0.0).setMarketInstrument("PPA").build())).isEmpty();
        // rows written before instruments were recorded stay valid
        assertThat(FactorUpdates.problems(grid().setMarketValue(380.0).build())).isEmpty();
    }

    @Test
    void anInstrumentNeedsAMarketValueAKnownNameAndAGridRow() {
        assertThat(FactorUpdates.problems(grid().setMarketInstrument("rec").build()))
                .containsExactly("marketInstrument (rec) needs a marketValue");
        assertThat(FactorUpdates.problems(grid().setMarketValue(0.0).setMarketInstrument("green-vibes").build()))
                .containsExactly("marketInstrument must be one of supplier-specific, residual-mix, ppa, rec, got "
                        + "green-vibes");
        FactorUpdate pue = FactorUpdate.newBuilder().setKind("PUE").setScope("provider").setKey("aws")
                .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).setValue(1.14).setSource("EcoLogits")
                .setMarketInstrument("rec").build();
        assertThat(FactorUpdates.problems(pue)).containsExactly("marketInstrument applies to GRID rows only, got rec");
    }

    @Test
    void aRowTakesEffectFromTheStartOfADay() {
        assertThat(FactorUpdates.problems(grid().setEffectiveFrom(Instant.parse("2026-01-01T00:01:00Z")).build()))
                .containsExactly("effectiveFrom must be the start of a UTC day (00:00:00Z): a factor row takes effect "
                        + "from a date, as in the factor files, and is named by it; got 2026-01-01T00:01:00Z");
    }
}
