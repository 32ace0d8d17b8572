package io.carbonllm.payback.methodology.amortization;

import java.util.OptionalDouble;

/**
 * The amortization arithmetic, with its edge cases decided once:
 * <ul>
 *   <li>no successful task: there is no per-task figure (empty), never a division by zero;</li>
 *   <li>a missing baseline figure: there is no saving (empty), not a saving of zero;</li>
 *   <li>a saving of zero or less: it never breaks even (empty), rather than a negative or infinite time;</li>
 *   <li>no one-off footprint: it breaks even at once (0 tasks), and the payback ratio is undefined (empty).</li>
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

    /** Successful tasks needed to repay {@code footprint} at {@code savingPerTask} (same unit); empty if it never does. */
    public static OptionalDouble breakEvenTasks(double footprint, double savingPerTask) {
        requireFinite("footprint", footprint);
        requireFinite("savingPerTask", savingPerTask);
        if (footprint <= 0) {
            return OptionalDouble.of(0);
        }
        if (savingPerTask <= 0) {
            return OptionalDouble.empty();
        }
        return finite(footprint / savingPerTask);
    }

    /** Days to break even at {@code tasksPerDay}; empty if it never breaks even or there is no traffic. */
    public static OptionalDouble breakEvenDays(OptionalDouble breakEvenTasks, double tasksPerDay) {
        requireFinite("tasksPerDay", tasksPerDay);
        if (breakEvenTasks.isEmpty()) {
            return OptionalDouble.empty();
        }
        if (breakEvenTasks.getAsDouble() == 0) {
            return OptionalDouble.of(0);
        }
        return tasksPerDay <= 0 ? OptionalDouble.empty() : finite(breakEvenTasks.getAsDouble() / tasksPerDay);
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
