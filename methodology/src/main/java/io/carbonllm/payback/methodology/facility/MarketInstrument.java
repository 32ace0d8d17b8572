package io.carbonllm.payback.methodology.facility;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a market-based grid intensity rests on (GHG Protocol Scope 2 Guidance, 2015, the market-based method's
 * contractual instruments and its residual mix). Named beside every market-based figure, so a report says whether a
 * low figure comes from a contract or certificates rather than from the grid.
 */
public enum MarketInstrument {
    /** The electricity supplier's own emission rate, disclosed to its customers. */
    SUPPLIER_SPECIFIC("supplier-specific"),
    /** The residual mix: the grid after the attributes sold as certificates and contracts are taken out. */
    RESIDUAL_MIX("residual-mix"),
    /** A power purchase agreement with a generator, with its attributes retained. */
    PPA("ppa"),
    /** Energy attribute certificates (RECs, guarantees of origin) bought apart from the electricity. */
    REC("rec");

    private final String label;

    MarketInstrument(String label) {
        this.label = label;
    }

    /** How files and flags write it: supplier-specific, residual-mix, ppa, rec. */
    public String label() {
        return label;
    }

    /** The instrument written {@code text} (a label or a name, case-insensitive); an error naming the allowed ones. */
    public static MarketInstrument parse(String text) {
        if (text != null) {
            String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (MarketInstrument i : values()) {
                if (i.label.equals(t)) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("market instrument must be one of " + allowed() + ", got " + text);
    }

    public static String allowed() {
        return Arrays.stream(values()).map(MarketInstrument::label).collect(Collectors.joining(", "));
    }
}
