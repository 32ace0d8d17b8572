package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.methodology.EvidenceTier;

/**
 * Facility energy split by how it was obtained: the Wh that were metered, benchmarked or estimated. Energy with no
 * figure ({@link EvidenceTier#UNAVAILABLE}) has no Wh to split; the coverage of a total says how much is missing.
 */
public record TierMix(double meteredWh, double benchmarkedWh, double estimatedWh) {

    public static final TierMix NONE = new TierMix(0, 0, 0);

    public TierMix {
        requireFiniteNonNegative("meteredWh", meteredWh);
        requireFiniteNonNegative("benchmarkedWh", benchmarkedWh);
        requireFiniteNonNegative("estimatedWh", estimatedWh);
    }

    /** {@code wh} of one tier; none for {@link EvidenceTier#UNAVAILABLE}, which has no figure. */
    public static TierMix of(EvidenceTier tier, double wh) {
        return switch (tier) {
            case METERED -> new TierMix(wh, 0, 0);
            case BENCHMARKED -> new TierMix(0, wh, 0);
            case ESTIMATED -> new TierMix(0, 0, wh);
            case UNAVAILABLE -> NONE;
        };
    }

    public TierMix plus(TierMix other) {
        return new TierMix(meteredWh + other.meteredWh, benchmarkedWh + other.benchmarkedWh,
                estimatedWh + other.estimatedWh);
    }

    public double totalWh() {
        return meteredWh + benchmarkedWh + estimatedWh;
    }

    /** The Wh of one tier. */
    public double wh(EvidenceTier tier) {
        return switch (tier) {
            case METERED -> meteredWh;
            case BENCHMARKED -> benchmarkedWh;
            case ESTIMATED -> estimatedWh;
            case UNAVAILABLE -> 0;
        };
    }

    /** The share of the total that {@code tier} holds, 0 to 1; empty (NaN-free: 0) when there is no energy. */
    public double share(EvidenceTier tier) {
        double total = totalWh();
        return total <= 0 ? 0 : wh(tier) / total;
    }

    /** The weakest tier holding any energy; {@link EvidenceTier#UNAVAILABLE} when there is none. */
    public EvidenceTier weakest() {
        if (estimatedWh > 0) {
            return EvidenceTier.ESTIMATED;
        }
        if (benchmarkedWh > 0) {
            return EvidenceTier.BENCHMARKED;
        }
        return meteredWh > 0 ? EvidenceTier.METERED : EvidenceTier.UNAVAILABLE;
    }

    private static void requireFiniteNonNegative(String field, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(field + " must be a finite number >= 0, got " + value);
        }
    }
}
