package io.carbonllm.payback.methodology;

/**
 * How a figure was obtained, strongest first. An aggregate takes the weakest tier of what it adds up, so a figure
 * never claims more than its weakest input.
 */
public enum EvidenceTier {
    /** Measured for this request or run: a provider's or gateway's meter, or metered kWh of a training job. */
    METERED,
    /** From a published benchmark of this model (for example the ML.ENERGY leaderboard). */
    BENCHMARKED,
    /** From a parametric model of the model's size (EcoLogits), or from stated inputs such as GPU-hours and power. */
    ESTIMATED,
    /** No figure: the model's size is unknown. Counted, never guessed. */
    UNAVAILABLE;

    /** The weaker of two tiers. */
    public EvidenceTier weakest(EvidenceTier other) {
        return ordinal() >= other.ordinal() ? this : other;
    }
}
