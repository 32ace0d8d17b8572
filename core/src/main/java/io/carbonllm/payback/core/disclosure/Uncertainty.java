package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.methodology.EvidenceTier;

/**
 * The range a figure may lie in, from the evidence tier of its energy (docs/methodology.md, "Uncertainty", gives each
 * range and its source). A range is relative: a figure {@code x} of a tier lies in {@code [x x (1 - below),
 * x x (1 + above)]}. The grid factor's own uncertainty is not included.
 *
 * <p>A total that mixes tiers adds the bounds of its parts ({@link #range(TierMix, double)}): errors of one method
 * are correlated across the requests it estimates (one regression, one batch-size assumption), so they are summed
 * rather than combined as independent (root-sum-square), which would understate the range.
 */
public final class Uncertainty {

    /** The relative range of one tier: the figure may be {@code below} lower or {@code above} higher. */
    public record Relative(double below, double above) {
    }

    /** A figure's range, in its own unit. */
    public record Range(double low, double high) {
    }

    /** Metered: a meter's accuracy and a GPU sensor's sampling gaps, ±10 %. */
    public static final Relative METERED = new Relative(0.10, 0.10);
    /** Benchmarked: a published measurement at one batch size and setup, a factor of 2 either way. */
    public static final Relative BENCHMARKED = new Relative(0.50, 1.00);
    /** Estimated: a parametric model of one serving setup, a factor of 3 either way. */
    public static final Relative ESTIMATED = new Relative(2.0 / 3.0, 2.00);

    private Uncertainty() {
    }

    public static Relative of(EvidenceTier tier) {
        return switch (tier) {
            case METERED -> METERED;
            case BENCHMARKED -> BENCHMARKED;
            case ESTIMATED -> ESTIMATED;
            case UNAVAILABLE -> throw new IllegalArgumentException("a figure of tier UNAVAILABLE does not exist, so it "
                    + "has no range");
        };
    }

    /** The range of a figure {@code value} whose energy is all of one tier. */
    public static Range range(EvidenceTier tier, double value) {
        Relative r = of(tier);
        return new Range(value * (1 - r.below()), value * (1 + r.above()));
    }

    /**
     * The range of a figure {@code value} (energy, or CO2e computed from that energy) whose energy splits as
     * {@code mix}: each tier's part of the value, {@code value x share}, takes its tier's range, and the bounds add
     * up. With no energy in the mix the figure is exact: zero is zero.
     */
    public static Range range(TierMix mix, double value) {
        double total = mix.totalWh();
        if (total <= 0) {
            return new Range(value, value);
        }
        double low = 0;
        double high = 0;
        for (EvidenceTier tier : new EvidenceTier[] {EvidenceTier.METERED, EvidenceTier.BENCHMARKED,
                EvidenceTier.ESTIMATED}) {
            double part = value * mix.wh(tier) / total;
            Range r = range(tier, part);
            low += r.low();
            high += r.high();
        }
        return new Range(low, high);
    }
}
