package io.carbonllm.payback.methodology.energy;

/**
 * One request as the energy model sees it.
 *
 * @param modelId           the model, looked up in the catalog
 * @param activeParamsB     the event's own size, which wins over the catalog; null if not given
 * @param totalParamsB      likewise
 * @param inputTokens       prompt tokens, cached ones included
 * @param cachedInputTokens the part of the input served from a prompt cache
 * @param outputTokens      completion tokens, reasoning tokens included
 * @param meteredWh         measured IT energy of this request, or null
 * @param retrievalWh       per-request retrieval energy (embedding, vector search) of a RAG variant, or null
 */
public record RequestUsage(String modelId, Double activeParamsB, Double totalParamsB, long inputTokens,
                           long cachedInputTokens, long outputTokens, Double meteredWh, Double retrievalWh) {

    public static RequestUsage tokens(String modelId, long inputTokens, long cachedInputTokens, long outputTokens) {
        return new RequestUsage(modelId, null, null, inputTokens, cachedInputTokens, outputTokens, null, null);
    }

    public RequestUsage withParams(Double active, Double total) {
        return new RequestUsage(modelId, active, total, inputTokens, cachedInputTokens, outputTokens, meteredWh, retrievalWh);
    }

    public RequestUsage withMeteredWh(Double wh) {
        return new RequestUsage(modelId, activeParamsB, totalParamsB, inputTokens, cachedInputTokens, outputTokens, wh, retrievalWh);
    }

    public RequestUsage withRetrievalWh(Double wh) {
        return new RequestUsage(modelId, activeParamsB, totalParamsB, inputTokens, cachedInputTokens, outputTokens, meteredWh, wh);
    }
}
