package io.carbonllm.payback.methodology.facility;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;

/**
 * One factor row a figure used, in structured form, so an auditor (or a recomputation after a factor change) can
 * tell exactly which grid and PUE rows went into it without parsing the free-text sources.
 *
 * @param kind          GRID (gCO2e/kWh) or PUE
 * @param key           the row's key: a region or provider (lower case), {@code *} for a default row, null for a
 *                      figure given directly
 * @param scope         where the key comes from: a region, a provider, the default, or given directly
 * @param effectiveFrom the date the row took effect ({@link Instant#EPOCH} for a figure given directly)
 * @param value         the PUE, or the location-based gCO2e/kWh for a GRID row
 * @param marketValue   GRID only: the market-based gCO2e/kWh, or null when the row has none and the location-based
 *                      figure stands in; always null for PUE
 * @param source        the row's source
 * @param marketInstrument GRID with a market-based value only: what that value rests on; null when the row does not
 *                      say (rows written before instruments were recorded)
 */
public record FactorRow(Kind kind, String key, Scope scope, Instant effectiveFrom, double value, Double marketValue,
                        String source, MarketInstrument marketInstrument) {

    /** What the row is a factor of. */
    public enum Kind {
        /** Grid carbon intensity, gCO2e/kWh. */
        GRID,
        /** Power usage effectiveness (facility energy / IT energy). */
        PUE
    }

    /** How the row's key matched, as in the factor files' {@code scope} column (plus GIVEN). */
    public enum Scope {
        /** A row for the region. */
        REGION,
        /** A row for the provider (PUE only). */
        PROVIDER,
        /** The default row: the world default grid ({@code *}) or the default PUE. */
        DEFAULT,
        /** No table row: the figure was given directly, for example on the command line or on the run. */
        GIVEN;

        /** The name as the factor files write it: region, provider, default, given. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public FactorRow {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        if (kind == Kind.PUE && marketValue != null) {
            throw new IllegalArgumentException("a market-based value applies to GRID rows only");
        }
        if (marketInstrument != null && marketValue == null) {
            throw new IllegalArgumentException("a market instrument (" + marketInstrument.label() + ") needs a "
                    + "market-based value");
        }
    }

    /** A row that names no market instrument. */
    public FactorRow(Kind kind, String key, Scope scope, Instant effectiveFrom, double value, Double marketValue,
                     String source) {
        this(kind, key, scope, effectiveFrom, value, marketValue, source, null);
    }

    /** GRID only: true when the row has no market-based figure and the location-based one stands in. */
    public boolean marketIsFallback() {
        return kind == Kind.GRID && marketValue == null;
    }

    /**
     * An identifier for the row: {@code KIND|scope|key|effective-from date}, for example
     * {@code GRID|region|eu-north-1|2025-01-01} ({@code *} as the key of a default row, empty when given directly).
     */
    public String id() {
        return kind + "|" + scope.label() + "|" + (key == null ? "" : key) + "|"
                + effectiveFrom.atOffset(ZoneOffset.UTC).toLocalDate();
    }
}
