package io.carbonllm.payback.core.compare;

/** Where the baseline figures a comparison window uses come from. */
public enum BaselineSource {
    /** The baseline's own window had enough tasks. */
    WINDOW,
    /** The window was thin; the comparison's pinned reference applies. */
    PINNED_REFERENCE,
    /** The window was thin; past windows with enough baseline tasks apply, weighted by their successful tasks. */
    TRAILING_REFERENCE,
    /** Thin window, no pinned reference and no past window: no saving can be computed. */
    NONE
}
