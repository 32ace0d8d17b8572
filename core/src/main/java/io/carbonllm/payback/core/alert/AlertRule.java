package io.carbonllm.payback.core.alert;

/** The alert rules, evaluated as windows are revised and as the ledger changes. */
public enum AlertRule {
    /** The candidate's energy per successful task is at or above the baseline's: the fine-tune stopped paying off. */
    NOT_SAVING,
    /** The projected break-even is past the horizon. */
    BREAK_EVEN_BEYOND_HORIZON,
    /** The candidate's success rate is below the quality bar. */
    QUALITY_BELOW_BAR,
    /** The baseline has traffic and the candidate none. */
    NO_CANDIDATE_TRAFFIC
}
