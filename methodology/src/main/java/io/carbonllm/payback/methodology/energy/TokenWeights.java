package io.carbonllm.payback.methodology.energy;

/**
 * How much input tokens cost, in output-token equivalents. Decode (output) energy is what the benchmarks and the
 * parametric model give per token; prefill (input) is cheaper per token but grows with context length, and it is
 * exactly what a heavy-prompting baseline spends. So a request counts
 * {@code output + inputWeight * (uncached + cachedFactor * cached) + attention * uncached * input} equivalents.
 *
 * @param inputWeight      energy of one uncached input token relative to one output token
 * @param cachedFactor     the fraction of that an input token served from a prompt cache still costs
 * @param attentionPerToken2 the growth with context: extra equivalents per (uncached input token x input token)
 */
public record TokenWeights(double inputWeight, double cachedFactor, double attentionPerToken2) {

    /**
     * Fitted to Epoch AI's published scaling (about 8x a basic query's energy for 10k input tokens, about 133x for
     * 100k; a basic query being about 500 output tokens): a + b n per input token, solved at both points.
     */
    public static final TokenWeights DEFAULT = new TokenWeights(0.334, 0.1, 3.28e-6);

    public TokenWeights {
        requireFiniteNonNegative("inputWeight", inputWeight);
        requireFiniteNonNegative("cachedFactor", cachedFactor);
        requireFiniteNonNegative("attentionPerToken2", attentionPerToken2);
        if (cachedFactor > 1) {
            throw new IllegalArgumentException("cachedFactor must be in [0, 1]: " + cachedFactor);
        }
    }

    /** Output-token equivalents of one request. Never decreases when any token count grows. */
    public double equivalents(long inputTokens, long cachedInputTokens, long outputTokens) {
        long cached = Math.min(Math.max(cachedInputTokens, 0), Math.max(inputTokens, 0));
        long uncached = Math.max(inputTokens, 0) - cached;
        return Math.max(outputTokens, 0)
                + inputWeight * (uncached + cachedFactor * cached)
                + attentionPerToken2 * uncached * (double) Math.max(inputTokens, 0);
    }

    private static void requireFiniteNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0: " + value);
        }
    }
}
