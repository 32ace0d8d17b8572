package io.carbonllm.payback.methodology.amortization;

/**
 * The net of a fine-tune over a stated horizon, for {@code ./payback estimate}: the saving per successful task times
 * the tasks in the horizon, less the one-off footprint.
 *
 * <p>The break-even rules (when a candidate pays back, in tasks and in days, and the payback ratio) are not here:
 * they live once in the core module's {@code io.carbonllm.payback.core.ledger.Projection}, which the live ledger and
 * the estimator both call.
 */
public final class Amortization {

    private Amortization() {
    }

    /**
     * Net over a horizon: saving per task x tasks - footprint, all in one unit. Positive means a net saving.
     *
     * @throws IllegalArgumentException when an input is not a finite number
     * @throws ArithmeticException      when the net overflows
     */
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

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number: " + value);
        }
    }
}
