package io.carbonllm.payback.methodology.facility;

import java.time.Instant;
import java.util.Locale;

/**
 * The grid intensity that applies to one region at one time.
 *
 * @param region           the region asked about; null for a figure given directly (or no region: world default)
 * @param locationGPerKwh  location-based, gCO2e/kWh
 * @param marketGPerKwh    market-based, gCO2e/kWh; equal to the location-based figure when none is configured
 * @param marketIsFallback true when no market-based figure is configured and the location-based one stands in
 * @param worldDefault     true when the region is unknown and the world default applies
 * @param effectiveFrom    the date the applied row took effect
 * @param source           the row's source
 * @param marketInstrument what the market-based figure rests on; null when it is a fallback or the row does not say
 */
public record ResolvedGrid(String region, double locationGPerKwh, double marketGPerKwh, boolean marketIsFallback,
                           boolean worldDefault, Instant effectiveFrom, String source,
                           MarketInstrument marketInstrument) {

    /** A grid figure that names no market instrument. */
    public ResolvedGrid(String region, double locationGPerKwh, double marketGPerKwh, boolean marketIsFallback,
                        boolean worldDefault, Instant effectiveFrom, String source) {
        this(region, locationGPerKwh, marketGPerKwh, marketIsFallback, worldDefault, effectiveFrom, source, null);
    }

    /** A figure given directly (for example on the command line), location-based, no market figure. */
    public static ResolvedGrid given(double gPerKwh, String source) {
        return new ResolvedGrid(null, gPerKwh, gPerKwh, true, false, Instant.EPOCH, source);
    }

    /**
     * The row in structured form: the world default ({@code *}, DEFAULT), the region's own row (REGION), or a figure
     * given directly (GIVEN, no region).
     */
    public FactorRow row() {
        FactorRow.Scope scope = worldDefault ? FactorRow.Scope.DEFAULT
                : region == null ? FactorRow.Scope.GIVEN : FactorRow.Scope.REGION;
        String key = switch (scope) {
            case DEFAULT -> FactorTable.WORLD;
            case REGION -> region.toLowerCase(Locale.ROOT);
            default -> null;
        };
        return new FactorRow(FactorRow.Kind.GRID, key, scope, effectiveFrom, locationGPerKwh,
                marketIsFallback ? null : marketGPerKwh, source, marketIsFallback ? null : marketInstrument);
    }
}
