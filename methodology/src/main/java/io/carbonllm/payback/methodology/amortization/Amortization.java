package io.carbonllm.payback.methodology.amortization;

import java.util.OptionalDouble;

/**
 * The amortization arithmetic, with its edge cases decided once:
 * <ul>
 *   <li>no successful task: there is no per-task figure (empty), never a division by zero;</li>
 *   <li>a missing baseline figure: there is no saving (empty), not a saving of zero;</li>
 *   <li>a saving of zero or less (the candidate is not cheaper per successful task): it never breaks even (empty),
 *       whatever the footprint, a zero footprint included; never a negative, infinite or zero time;</li>
 *   <li>no one-off footprint and a positive saving: it breaks even at once (0 tasks, 0 days, even without
 *       traffic);</li>
 *   <li>no traffic (0 successful tasks per day) and something to repay: it never breaks even in time (empty);</li>
 *   <li>no one-off footprint: the payback ratio is undefined (empty).</li>
 * </ul>
 * Nothing here returns NaN or infinity for finite inputs.
 */
public final class Amortization {

    private Amortization() {
    }

    /** {@code total / successes}; empty with no successful task. */
    public static OptionalDouble perSuccessfulTask(double total, long successes) {
        requireFinite("total", total);
        return successes <= 0 ? OptionalDouble.empty() : OptionalDouble.of(total / successes);
    }

    /** Baseline minus candidate, per successful task; empty when either is missing. Positive means the candidate saves. */
    public static OptionalDouble savingPerTask(OptionalDouble baseline, OptionalDouble candidate) {
        if (baseline.isEmpty() || candidate.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(baseline.getAsDouble() - candidate.getAsDouble());
    }

    /**
     * Successful tasks needed to repay {@code footprint} at {@code savingPerTask} (same unit). Empty (never) when the
     * saving is zero or less, whatever the footprint: a candidate that is not cheaper per successful task never pays
     * back, even with nothing to repay. 0 when there is nothing to repay and the candidate saves.
     */
    public static OptionalDouble breakEvenTasks(double footprint, double savingPerTask) {
        requireFinite("footprint", footprint);
        requireFinite("savingPerTask", savingPerTask);
        if (savingPerTask <= 0) {
            return OptionalDouble.empty();
        }
        if (footprint <= 0) {
            return OptionalDouble.of(0);
        }
        return finite(footprint / savingPerTask);
    }

    /**
     * Days to break even at {@code tasksPerDay}, from {@link #breakEvenTasks}: empty (never) when it never breaks
     * even, or when there is something to repay and no traffic; 0 when it breaks even at once.
     */
    public static OptionalDouble breakEvenDays(OptionalDouble breakEvenTasks, double tasksPerDay) {
        requireFinite("tasksPerDay", tasksPerDay);
        if (breakEvenTasks.isEmpty()) {
            return OptionalDouble.empty();
        }
        double tasks = breakEvenTasks.getAsDouble();
        if (!(tasks >= 0) || Double.isInfinite(tasks)) {
            throw new IllegalArgumentException("breakEvenTasks must be a finite number >= 0: " + tasks);
        }
        if (tasks == 0) {
            return OptionalDouble.of(0);
        }
        return tasksPerDay <= 0 ? OptionalDouble.empty() : finite(tasks / tasksPerDay);
    }

    /** Days to break even, from the footprint, the saving per successful task and the traffic. */
    public static OptionalDouble breakEvenDays(double footprint, double savingPerTask, double tasksPerDay) {
        return breakEvenDays(breakEvenTasks(footprint, savingPerTask), tasksPerDay);
    }

    /** Cumulative saving over the footprint; empty when there is no footprint to repay. */
    public static OptionalDouble paybackRatio(double cumulativeSaving, double footprint) {
        requireFinite("cumulativeSaving", cumulativeSaving);
        requireFinite("footprint", footprint);
        return footprint <= 0 ? OptionalDouble.empty() : finite(cumulativeSaving / footprint);
    }

    /** Net over a horizon: saving per task x tasks - footprint. Positive means a net saving. */
    public static double horizonNet(double savingPerTask, double tasks, double footprint) {
        requireFinite("savingPerTask", savingPerTask);
        requireFinite("tasks", tasks);
        requireFinite("footprint", footprint);
        double net = savingPerTask * tasks - footprint;
        if (!Double.isFinite(net)) {
            throw new ArithmeticException("horizon net overflows: " + savingPerTask + " x " + tasks + " - " + footprint);
        }
        return net;
    }

    private static OptionalDouble finite(double value) {
        return Double.isFinite(value) ? OptionalDouble.of(value) : OptionalDouble.empty();
    }

    static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number: " + value);
        }
    }
}
