package io.carbonllm.payback.methodology.footprint;

/** What a one-off run was for. */
public enum RunKind {
    /** Training or fine-tuning a candidate model, hyper-parameter searches and failed attempts included. */
    FINE_TUNE,
    /** Building a retrieval index (embedding a corpus) for a RAG candidate. */
    RAG_INDEX,
    /** Anything else one-off charged to a candidate: evaluation sweeps, prompt optimisation, data generation. */
    OTHER
}
