package io.carbonllm.payback.core.definition;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a ledger counts in. The ledger keeps all three side by side; a comparison names the one that drives its status
 * and alerts. A fine-tune trained on a dirty grid and served on a clean one can repay its energy long before its CO2e.
 */
public enum Basis {
    /** Facility energy, in Wh (IT energy x PUE). */
    ENERGY("Wh"),
    /** Location-based CO2e, in grams: facility energy x the grid's average intensity. */
    CO2E_LOCATION("gCO2e"),
    /** Market-based CO2e, in grams: facility energy x a supplier-specific or residual-mix intensity, where known. */
    CO2E_MARKET("gCO2e");

    private final String unit;

    Basis(String unit) {
        this.unit = unit;
    }

    public String unit() {
        return unit;
    }

    /** The basis named {@code name} (case-insensitive); an error naming the allowed values otherwise. */
    public static Basis parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("basis must be one of " + allowed() + ", got " + name, e);
        }
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
