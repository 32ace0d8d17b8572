package io.carbonllm.payback.methodology.facility;

import java.time.Instant;

/**
 * The grid intensity that applies to one region at one time.
 *
 * @param locationGPerKwh  location-based, gCO2e/kWh
 * @param marketGPerKwh    market-based, gCO2e/kWh; equal to the location-based figure when none is configured
 * @param marketIsFallback true when no market-based figure is configured and the location-based one stands in
 * @param worldDefault     true when the region is unknown and the world default applies
 * @param effectiveFrom    the date the applied row took effect
 * @param source           the row's source
 */
public record ResolvedGrid(String region, double locationGPerKwh, double marketGPerKwh, boolean marketIsFallback,
                           boolean worldDefault, Instant effectiveFrom, String source) {

    /** A figure given directly (for example on the command line), location-based, no market figure. */
    public static ResolvedGrid given(double gPerKwh, String source) {
        return new ResolvedGrid(null, gPerKwh, gPerKwh, true, false, Instant.EPOCH, source);
    }
}
