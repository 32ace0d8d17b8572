package io.carbonllm.payback.streams.state;

/**
 * Names of the state stores, shared by the topology and the query layer. A store's name is also the stem of its
 * changelog topic ({@code <application.id>-<store>-changelog}): renaming one is a migration, not a refactor.
 */
public final class StoreNames {

    /** Windowed: {@code VariantKey -> VariantStats}, one tumbling window per (use case, model). */
    public static final String VARIANT_WINDOWS = "variant-window-store";

    /** Key-value: {@code TaskKey -> TaskOutcome}, the open task of each task id, folded from its requests so far. */
    public static final String OPEN_TASKS = "open-task-store";

    /** Key-value: {@code closeTime/TaskKey -> TaskKey}, the open tasks in the order they close. */
    public static final String TASK_CLOSE_INDEX = "task-close-index-store";

    /** Global: {@code comparisonId -> ComparisonDefinition}, from the compacted {@code comparisons} topic. */
    public static final String COMPARISONS = "comparisons-store";

    /** Global: {@code runId -> TrainingRun}, from the compacted {@code training-runs} topic. */
    public static final String TRAINING_RUNS = "training-runs-store";

    /** Global: {@code kind|scope|key|effectiveFrom -> FactorUpdate}, grid intensities and PUEs from the factors topic. */
    public static final String FACTORS = "factors-store";

    /** Key-value: {@code comparisonId/candidateId -> LedgerState}, the amortization ledger. */
    public static final String PAYBACK_LEDGER = "payback-ledger-store";

    /** Key-value: {@code comparisonId -> BaselineReference}, recent baseline windows for the trailing reference. */
    public static final String BASELINE_REFERENCES = "baseline-reference-store";

    /** Key-value: {@code comparisonId/candidateId/rule -> PaybackAlert}, the alerts firing now. */
    public static final String OPEN_ALERTS = "open-alerts-store";

    /** Windowed: {@code comparisonId -> ComparisonWindow}, for the ops view. */
    public static final String COMPARISON_WINDOWS = "comparison-window-store";

    /**
     * Comparison windows revised since the engine last applied them (comparison and window, with the stream time of
     * the latest revision): kept so that a revision committed but not yet applied is applied after a crash.
     */
    public static final String ENGINE_PENDING = "engine-pending-store";

    /**
     * Variant windows revised since they were last published to {@code variant-windows} ({@code useCase, model, window
     * start} to the stream time of the latest revision): kept so that a revision committed but not yet published is
     * published after a crash.
     */
    public static final String VARIANT_PENDING = "variant-pending-store";

    /**
     * Key-value: {@code periodKey -> DayTotal}, every day total written to {@code period-totals}, at its latest version
     * (a restatement's), to restate from.
     */
    public static final String PERIOD_TOTALS = "period-totals-store";

    /**
     * Key-value: {@code next<US>comparisonId -> } the next UTC day to total, {@code run<US><period key prefix> -> } the
     * key of each run's current day total (a corrected run can move day), and {@code factors<US>checked -> } the factor
     * table version the written totals were last checked against.
     */
    public static final String PERIOD_INDEX = "period-index-store";

    private StoreNames() {
    }
}
