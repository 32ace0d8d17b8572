package io.carbonllm.payback.methodology.energy;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import java.util.OptionalDouble;

/**
 * Adds up request energy for an aggregate (a window, a variant), and always reports its energy coverage: the share
 * of requests that had an energy figure. Requests without one are counted, never guessed.
 *
 * @param requests         every request added
 * @param covered          those with an energy figure
 * @param itWh             IT energy of the covered requests
 * @param facilityWh       the same times each request's PUE
 * @param gCo2eLocation    facility energy times the location-based grid intensity
 * @param gCo2eMarket      facility energy times the market-based grid intensity
 * @param tier             the weakest tier among the covered requests (METERED when none is covered yet)
 */
public record EnergyTally(long requests, long covered, double itWh, double facilityWh, double gCo2eLocation,
                          double gCo2eMarket, EvidenceTier tier) {

    public static final EnergyTally EMPTY = new EnergyTally(0, 0, 0, 0, 0, 0, EvidenceTier.METERED);

    public EnergyTally add(RequestEnergy energy, double pue, ResolvedGrid grid) {
        if (!energy.available()) {
            return new EnergyTally(requests + 1, covered, itWh, facilityWh, gCo2eLocation, gCo2eMarket, tier);
        }
        double facility = energy.itWh() * pue;
        return new EnergyTally(requests + 1, covered + 1, itWh + energy.itWh(), facilityWh + facility,
                gCo2eLocation + facility * grid.locationGPerKwh() / 1000.0,
                gCo2eMarket + facility * grid.marketGPerKwh() / 1000.0,
                covered == 0 ? energy.tier() : tier.weakest(energy.tier()));
    }

    public EnergyTally plus(EnergyTally other) {
        EvidenceTier combined = covered == 0 ? other.tier : other.covered == 0 ? tier : tier.weakest(other.tier);
        return new EnergyTally(requests + other.requests, covered + other.covered, itWh + other.itWh,
                facilityWh + other.facilityWh, gCo2eLocation + other.gCo2eLocation, gCo2eMarket + other.gCo2eMarket,
                combined);
    }

    /** covered / requests, in [0, 1]; empty for an empty tally. */
    public OptionalDouble coverage() {
        return requests == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) covered / requests);
    }

    /** The tier of the figure as a whole: UNAVAILABLE when no request had energy. */
    public EvidenceTier overallTier() {
        return covered == 0 ? EvidenceTier.UNAVAILABLE : tier;
    }
}
