package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorRow;
import java.util.Objects;

/**
 * One part of a period's energy, by what priced it and where it ran: its evidence tier, the provider it ran at (null
 * for none: the organisation's own hardware), the PUE row that turned IT energy into facility energy (null for energy
 * metered at the facility, which needs none) and the grid row that gave its CO2e. A period keeps its energy as the Wh
 * before PUE of each part, so that every figure derived from it (facility energy, CO2e, the tier mix, the scope split)
 * can be computed again when a factor is corrected.
 */
public record EnergyPart(EvidenceTier tier, String provider, FactorRow pue, FactorRow grid) {

    /** Separates a key's fields: a unit separator, which no provider name or row id holds. */
    private static final char SEPARATOR = '\u001F';

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

    /** A part of no provider: the organisation's own hardware. */
    public EnergyPart(EvidenceTier tier, FactorRow pue, FactorRow grid) {
        this(tier, null, pue, grid);
    }

    /** This part with its rows replaced as {@code correction} says (a row it does not correct stays). */
    public EnergyPart corrected(FactorCorrection correction) {
        return new EnergyPart(tier, provider, pue == null ? null : correction.apply(pue), correction.apply(grid));
    }

    /** Whose hardware: {@code given} when a definition says, else the provider's default. */
    public Ownership ownership(Ownership given) {
        return given != null ? given : Ownership.defaultFor(provider);
    }

    /**
     * The key a window's part map uses: tier, provider (empty for none), the PUE row's id (empty for none) and the
     * grid row's id, separated by U+001F. The rows are named by id; {@link #key(EvidenceTier, String, String, String)}
     * builds the same key from ids on the hot path.
     */
    public String key() {
        return key(tier, provider, pue == null ? null : pue.id(), grid.id());
    }

    public static String key(EvidenceTier tier, String provider, String pueRowId, String gridRowId) {
        return tier.name() + SEPARATOR + (provider == null ? "" : provider) + SEPARATOR
                + (pueRowId == null ? "" : pueRowId) + SEPARATOR + gridRowId;
    }

    /** The fields of a {@link #key()}: tier, provider (null for none), PUE row id (null for none), grid row id. */
    public record KeyFields(EvidenceTier tier, String provider, String pueRowId, String gridRowId) {
    }

    /** The fields of {@code key}; an error naming the key when it is not one. */
    public static KeyFields parseKey(String key) {
        String[] f = key.split(String.valueOf(SEPARATOR), -1);
        if (f.length != 4 || f[3].isEmpty()) {
            throw new IllegalArgumentException("not an energy part key (tier, provider, PUE row, grid row): " + key);
        }
        return new KeyFields(EvidenceTier.valueOf(f[0]), f[1].isEmpty() ? null : f[1], f[2].isEmpty() ? null : f[2],
                f[3]);
    }
}
