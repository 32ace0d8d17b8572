package io.carbonllm.payback.demo;

/**
 * How one simulated variant behaves: its model and size, its typical prompt and answer lengths, how often it
 * succeeds, its share of the traffic, and (for a RAG variant) its retrieval energy per request.
 */
public record VariantProfile(
        String modelId,
        double activeParamsB,
        double totalParamsB,
        int meanInputTokens,
        double cachedInputShare,
        int meanOutputTokens,
        double successRate,
        double trafficShare,
        Double retrievalWh) {

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
        return new VariantProfile("llama-3.1-70b-instruct", 70, 70, 2400, 0.25, 320, 0.86, 1, null);
    }

    /** The fine-tune: a small model that needs no examples in its prompt, and fails less often. */
    public static VariantProfile fineTune() {
        return new VariantProfile("llama-3.1-8b-support-ft", 8, 8, 450, 0.0, 260, 0.93, 1, null);
    }

    /**
     * The fine-tune after a regression: a template change stuffs the whole ticket history into the prompt, and the
     * model, trained on short prompts, starts failing schema validation.
     */
    public static VariantProfile driftedFineTune() {
        return new VariantProfile("llama-3.1-8b-support-ft", 8, 8, 6000, 0.0, 260, 0.2, 1, null);
    }

    /** The rival: the foundation model with retrieved context instead of few-shot examples. */
    public static VariantProfile rag() {
        return new VariantProfile("llama-3.1-70b-instruct-rag", 70, 70, 1100, 0.0, 300, 0.9, 1, 0.02);
    }
}
