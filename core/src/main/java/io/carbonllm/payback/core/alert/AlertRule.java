package io.carbonllm.payback.core.alert;

/** The alert rules, evaluated over closed windows in the comparison's driving basis (see {@code AlertRules}). */
public enum AlertRule {
    /** The candidate saves nothing per successful task (or costs more): the fine-tune stopped paying off. */
    NOT_SAVING,
    /** The projected break-even is past the horizon. */
    BREAK_EVEN_BEYOND_HORIZON,
    /** The candidate's success rate is below the quality bar. */
    QUALITY_BELOW_BAR,
    /** The baseline has traffic and the candidate none. */
    NO_CANDIDATE_TRAFFIC
}
