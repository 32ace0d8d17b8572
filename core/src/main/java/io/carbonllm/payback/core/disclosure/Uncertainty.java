package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.methodology.EvidenceTier;
import java.util.EnumMap;
import java.util.Map;

/**
 * The range a figure may lie in, from the evidence tier of its energy (docs/methodology.md, "Uncertainty", gives each
 * range and its source). A range is relative: a figure {@code x} of a tier lies in {@code [x x (1 - below),
 * x x (1 + above)]}. The grid factor's own uncertainty is not included.
 *
 * <p>A total that mixes tiers is split into its tiers' own amounts (Wh for energy; grams for CO2e, since the tiers'
 * energy may sit on grids of different intensity), and the bounds of the parts add up
 * ({@link #range(Map)}). That treats the errors as fully correlated, within a method (one regression, one batch-size
 * assumption) and across methods alike: conservative, since root-sum-square would assume them independent.
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
        double a = value * (1 - r.below());
        double b = value * (1 + r.above());
        // a negative figure (a saving that is a loss) has its bounds the other way round
        return new Range(Math.min(a, b), Math.max(a, b));
    }

    /**
     * The range of a total given as its tiers' own amounts (Wh, or grams): each amount takes its tier's range, and the
     * bounds add up. No amount, no range: zero is zero.
     */
    public static Range range(Map<EvidenceTier, Double> byTier) {
        double low = 0;
        double high = 0;
        for (Map.Entry<EvidenceTier, Double> part : byTier.entrySet()) {
            if (part.getValue() == 0) {
                continue;
            }
            Range r = range(part.getKey(), part.getValue());
            low += r.low();
            high += r.high();
        }
        return new Range(low, high);
    }

    /** The range of a total's facility energy, from its tier mix. */
    public static Range range(TierMix mix) {
        Map<EvidenceTier, Double> byTier = new EnumMap<>(EvidenceTier.class);
        for (EvidenceTier tier : new EvidenceTier[] {EvidenceTier.METERED, EvidenceTier.BENCHMARKED,
                EvidenceTier.ESTIMATED}) {
            byTier.put(tier, mix.wh(tier));
        }
        return range(byTier);
    }
}
