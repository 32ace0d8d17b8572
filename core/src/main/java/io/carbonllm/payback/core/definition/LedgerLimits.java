package io.carbonllm.payback.core.definition;

/**
 * The ranges that keep a ledger's stored state small whatever the configuration: it holds the windows still open to
 * revision and as many closed ones as the look-back and the alert streaks need, so these bound its size (about 100
 * bytes a window: under 400 KB at the maxima, well under Kafka's 1 MB record limit; {@code LedgerStateSizeTest}).
 */
public final class LedgerLimits {

    /** The saving rate's look-back, in closed windows: a day of 1-minute windows. */
    public static final int MAX_LOOKBACK_WINDOWS = 1440;
    /** An alert's fire and resolve streaks, in closed windows. */
    public static final int MAX_STREAK_WINDOWS = 100;
    /** The window grace as a multiple of the window size: how many windows can be open to revision at once. */
    public static final int MAX_GRACE_IN_WINDOWS = 100;

    private LedgerLimits() {
    }

    /**
     * The most closed windows a ledger keeps for a comparison: for each of the four alert rules, its streak's
     * evaluable windows, and the look-back's priced ones.
     */
    public static int closedWindowsKept(int lookbackWindows, int fireAfterWindows, int resolveAfterWindows) {
        return lookbackWindows + 4 * Math.max(fireAfterWindows, resolveAfterWindows);
    }
}
