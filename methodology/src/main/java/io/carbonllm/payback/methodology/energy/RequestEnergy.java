package io.carbonllm.payback.methodology.energy;

import io.carbonllm.payback.methodology.EvidenceTier;

/**
 * The IT energy of one request (before PUE), with how it was obtained and from what.
 *
 * @param itWh   energy in Wh; 0 when {@link #available()} is false, and then it must not be added up as a figure
 * @param tier   METERED, BENCHMARKED, ESTIMATED, or UNAVAILABLE
 * @param source the factor and its source, for an auditor
 */
public record RequestEnergy(double itWh, EvidenceTier tier, String source) {

    public static RequestEnergy unavailable(String why) {
        return new RequestEnergy(0.0, EvidenceTier.UNAVAILABLE, why);
    }

    public boolean available() {
        return tier != EvidenceTier.UNAVAILABLE;
    }
}
