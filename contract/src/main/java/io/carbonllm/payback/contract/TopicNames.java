package io.carbonllm.payback.contract;

/**
 * The default names of the topics the tracker reads and writes: the one home the streams app's config, the CLI and
 * the producer SDK take them from. Each can be renamed by configuration (the streams app's {@code payback.topic.*}
 * keys, the CLI's {@code --topic}, the SDK's builder); these are only the defaults.
 */
public final class TopicNames {

    /** Gateways publish one {@code InferenceEvent} per request here, keyed by use case. */
    public static final String INFERENCE_EVENTS = "inference-events";
    /** Records that could not be read or failed validation, with the reason in headers. */
    public static final String DEAD_LETTERS = "inference-events-dlq";
    /** Compacted: {@code ComparisonDefinition} by comparison id; a tombstone deletes. */
    public static final String COMPARISONS = "comparisons";
    /** Compacted: {@code TrainingRun} (one-off runs) by run id; republishing an id corrects the run. */
    public static final String TRAINING_RUNS = "training-runs";
    /** Compacted: {@code FactorUpdate} (grid intensities and PUEs with effective-from dates). */
    public static final String FACTORS = "factors";
    /**
     * {@code VariantWindow}: the latest revision of a (use case, model) window, at most once per the app's apply
     * interval, keyed by use case.
     */
    public static final String VARIANT_WINDOWS = "variant-windows";
    /** {@code ComparisonWindow}: each revision of a comparison's window, keyed by comparison id. */
    public static final String COMPARISON_WINDOWS = "comparison-windows";
    /** Compacted: {@code PaybackStatus}, the ledger of each candidate, keyed by comparison id/candidate id. */
    public static final String PAYBACK_STATUS = "payback-status";
    /** {@code PaybackAlert} transitions, keyed by comparison id/candidate id/rule. */
    public static final String PAYBACK_ALERTS = "payback-alerts";
    /**
     * Compacted: {@code DayTotal}, what each variant's inference and each one-off run used on a closed UTC day, keyed by
     * period; written once, never changed in place.
     */
    public static final String PERIOD_TOTALS = "period-totals";
    /** Compacted: {@code PeriodRestatement}, corrections of written day totals, keyed by period and version. */
    public static final String PERIOD_RESTATEMENTS = "period-restatements";

    private TopicNames() {
    }
}
