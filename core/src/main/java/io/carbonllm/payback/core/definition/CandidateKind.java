package io.carbonllm.payback.core.definition;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a candidate changes against the baseline. Rival options have their own one-off costs. */
public enum CandidateKind {
    /** A fine-tuned model: its training runs are its footprint. */
    FINE_TUNE,
    /** Retrieval-augmented generation: its index builds are its footprint, its retrieval energy a per-request cost. */
    RAG,
    /** A prompt change: prompt optimisation runs, if any, are its footprint. */
    PROMPT,
    OTHER;

    public static CandidateKind parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("candidate kind must be one of " + allowed() + ", got " + name, e);
        }
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
