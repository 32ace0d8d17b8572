package io.carbonllm.payback.streams.energy;

import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.MarketInstrument;
import io.carbonllm.payback.streams.state.GlobalTables;
import io.carbonllm.payback.streams.state.StoreNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The factor table in use: the shipped and file factors, plus the rows of the {@code factors} global table. Rebuilt
 * when the definitions change (see {@code Definitions}), since they change rarely and lookups happen for every event.
 */
public final class FactorSnapshot {

    private static final Logger log = LoggerFactory.getLogger(FactorSnapshot.class);

    private FactorSnapshot() {
    }

    public static FactorTable of(FactorTable base, ReadOnlyKeyValueStore<String, FactorUpdate> store) {
        List<FactorTable.GridFactor> grid = new ArrayList<>();
        List<FactorTable.PueFactor> pue = new ArrayList<>();
        for (KeyValue<String, FactorUpdate> kv : GlobalTables.readAll(store, StoreNames.FACTORS)) {
            FactorUpdate update = kv.value;
            try {
                switch (update.getKind().toUpperCase(Locale.ROOT)) {
                    case "GRID" -> grid.add(new FactorTable.GridFactor(update.getKey(), update.getEffectiveFrom(),
                            update.getValue(), update.getMarketValue(), update.getMarketInstrument() == null ? null
                            : MarketInstrument.parse(update.getMarketInstrument()), update.getSource()));
                    case "PUE" -> pue.add(new FactorTable.PueFactor(update.getScope().toLowerCase(Locale.ROOT),
                            update.getKey(), update.getEffectiveFrom(), update.getValue(), update.getSource()));
                    default -> throw new IllegalArgumentException("kind must be GRID or PUE: " + update.getKind());
                }
            } catch (IllegalArgumentException e) {
                log.warn("Ignoring factor {}: {}", kv.key, e.getMessage());
            }
        }
        return base.plus(grid, pue);
    }
}
