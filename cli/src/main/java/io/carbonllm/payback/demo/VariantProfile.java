package io.carbonllm.payback.demo;

/**
 * How one simulated variant behaves: its model and size, its typical prompt and answer lengths, how often it
 * succeeds, and its share of the traffic.
 */
public record VariantProfile(
        String modelId,
        double activeParamsB,
        double totalParamsB,
        int meanInputTokens,
        double cachedInputShare,
        int meanOutputTokens,
        double successRate,
        double trafficShare) {

    public VariantProfile {
        if (successRate < 0 || successRate > 1) {
            throw new IllegalArgumentException("successRate must be in [0, 1]: " + successRate);
        }
        if (trafficShare <= 0) {
            throw new IllegalArgumentException("trafficShare must be positive: " + trafficShare);
        }
    }

    /** The seed's baseline: the foundation model with a long few-shot prompt. */
    public static VariantProfile baseline() {
        return new VariantProfile("llama-3.1-70b-instruct", 70, 70, 2400, 0.25, 320, 0.86, 0.5);
    }

    /** The fine-tune: a small model that needs no examples in its prompt, and fails less often. */
    public static VariantProfile fineTune() {
        return new VariantProfile("llama-3.1-8b-support-ft", 8, 8, 450, 0.0, 260, 0.93, 0.5);
    }
}
