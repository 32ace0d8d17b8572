package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorRow;
import java.util.Objects;

/**
 * One part of a period's energy, by what priced it: its evidence tier, the PUE row that turned IT energy into
 * facility energy (null for energy metered at the facility, which needs none) and the grid row that gave its CO2e.
 * A period keeps its energy as the Wh before PUE of each part, so that every figure derived from it (facility energy,
 * CO2e, the tier mix) can be computed again when a factor is corrected.
 */
public record EnergyPart(EvidenceTier tier, FactorRow pue, FactorRow grid) {

    public EnergyPart {
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(grid, "grid");
        if (tier == EvidenceTier.UNAVAILABLE) {
            throw new IllegalArgumentException("energy of tier UNAVAILABLE has no figure to keep");
        }
        if (grid.kind() != FactorRow.Kind.GRID) {
            throw new IllegalArgumentException("grid must be a GRID row, got " + grid.id());
        }
        if (pue != null && pue.kind() != FactorRow.Kind.PUE) {
            throw new IllegalArgumentException("pue must be a PUE row, got " + pue.id());
        }
    }

    /** Facility Wh from {@code baseWh} (IT Wh, or facility Wh where no PUE applies). */
    public double facilityWh(double baseWh) {
        return pue == null ? baseWh : baseWh * pue.value();
    }

    /** Location-based gCO2e of {@code baseWh}. */
    public double gCo2eLocation(double baseWh) {
        return facilityWh(baseWh) * grid.value() / 1000;
    }

    /** Market-based gCO2e of {@code baseWh}: the location-based intensity stands in where the row has none. */
    public double gCo2eMarket(double baseWh) {
        return facilityWh(baseWh) * (grid.marketIsFallback() ? grid.value() : grid.marketValue()) / 1000;
    }

    /** This part with its rows replaced as {@code correction} says (a row it does not correct stays). */
    public EnergyPart corrected(FactorCorrection correction) {
        return new EnergyPart(tier, pue == null ? null : correction.apply(pue), correction.apply(grid));
    }
}
