package io.carbonllm.payback.streams.state;

/**
 * Names of the state stores, shared by the topology and the query layer. A store's name is also the stem of its
 * changelog topic ({@code <application.id>-<store>-changelog}): renaming one is a migration, not a refactor.
 */
public final class StoreNames {

    /** Windowed: {@code VariantKey -> VariantStats}, one tumbling window per (use case, model). */
    public static final String VARIANT_WINDOWS = "variant-window-store";

    private StoreNames() {
    }
}
