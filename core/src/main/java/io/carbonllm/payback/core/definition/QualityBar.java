package io.carbonllm.payback.core.definition;

import io.carbonllm.payback.events.ComparisonDefinition;

/**
 * A comparison's quality bar: the lowest acceptable success rate, and the largest acceptable drop below the baseline's.
 * Either, both or neither may be set. The one rule behind the {@code QUALITY_BELOW_BAR} alert (per closed window, in
 * {@code ledger.Ledgers}) and the verdict's "acceptable quality" (over the recent windows, in {@code verdict.Verdicts}).
 *
 * @param minSuccessRate     the lowest acceptable success rate; null when not set
 * @param maxSuccessRateDrop the largest acceptable drop below the baseline's success rate; null when not set
 */
public record QualityBar(Double minSuccessRate, Double maxSuccessRateDrop) {

    /** No bar: every success rate is acceptable. */
    public static final QualityBar NONE = new QualityBar(null, null);

    /**
     * Success rates are ratios of counts and the bars decimals: a drop equal to the bar (0.8 - 0.7 against 0.1) must
     * not breach it because the subtraction rounded up (to 0.10000000000000009). Far below any real difference.
     */
    static final double RATE_TOLERANCE = 1e-9;

    public static QualityBar of(ComparisonDefinition def) {
        return new QualityBar(def.getMinSuccessRate(), def.getMaxSuccessRateDrop());
    }

    public boolean isSet() {
        return minSuccessRate != null || maxSuccessRateDrop != null;
    }

    /**
     * Whether {@code successRate} is below the bar: under the minimum, or more than the allowed drop below
     * {@code baselineSuccessRate}. Null when no part of the bar can be evaluated: none is set, or only the drop is and
     * there is no baseline success rate to measure it from.
     */
    public Boolean below(double successRate, Double baselineSuccessRate) {
        boolean minimumApplies = minSuccessRate != null;
        boolean dropApplies = maxSuccessRateDrop != null && baselineSuccessRate != null;
        if (!minimumApplies && !dropApplies) {
            return null;
        }
        return (minimumApplies && successRate < minSuccessRate)
                || (dropApplies && baselineSuccessRate - successRate > maxSuccessRateDrop + RATE_TOLERANCE);
    }
}
