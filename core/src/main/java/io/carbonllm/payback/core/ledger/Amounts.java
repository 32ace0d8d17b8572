package io.carbonllm.payback.core.ledger;

import io.carbonllm.payback.core.definition.Basis;

/**
 * One figure in the three bases: facility Wh, location-based gCO2e and market-based gCO2e.
 */
public record Amounts(double wh, double gCo2eLocation, double gCo2eMarket) {

    public static final Amounts ZERO = new Amounts(0, 0, 0);

    public double get(Basis basis) {
        return switch (basis) {
            case ENERGY -> wh;
            case CO2E_LOCATION -> gCo2eLocation;
            case CO2E_MARKET -> gCo2eMarket;
        };
    }

    public Amounts plus(Amounts other) {
        return new Amounts(wh + other.wh, gCo2eLocation + other.gCo2eLocation, gCo2eMarket + other.gCo2eMarket);
    }

    public Amounts minus(Amounts other) {
        return new Amounts(wh - other.wh, gCo2eLocation - other.gCo2eLocation, gCo2eMarket - other.gCo2eMarket);
    }

    public Amounts times(double factor) {
        return new Amounts(wh * factor, gCo2eLocation * factor, gCo2eMarket * factor);
    }

    /** Each basis divided by {@code divisor}; null when there is nothing to divide by. */
    public Amounts per(double divisor) {
        return divisor <= 0 ? null : new Amounts(wh / divisor, gCo2eLocation / divisor, gCo2eMarket / divisor);
    }
}
