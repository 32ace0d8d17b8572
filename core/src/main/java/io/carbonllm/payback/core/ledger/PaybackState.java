package io.carbonllm.payback.core.ledger;

/** A candidate's standing in the amortization ledger. */
public enum PaybackState {
    /** Saving, and projected to repay its footprint within the horizon (or no horizon is set). */
    PAYING_BACK,
    /** The cumulative saving has repaid the footprint. */
    PAID_BACK,
    /** Recent windows show no saving: at this rate it never repays. */
    NOT_SAVING,
    /** Saving, but the projected break-even is past the horizon. */
    WONT_PAY_BACK_IN_HORIZON,
    /** No window with both a baseline and a candidate figure yet, or charged runs are missing. */
    INSUFFICIENT_DATA
}
