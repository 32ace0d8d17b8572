package io.carbonllm.payback.bench;

import java.util.Arrays;

/** Per-call times in nanoseconds, summarised the way JMH's SampleTime mode reports them (nearest-rank quantiles). */
public final class LatencySamples {

    private final long[] sorted;
    private final long sum;

    public LatencySamples(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
        long total = 0;
        for (long n : sorted) {
            total += n;
        }
        this.sum = total;
    }

    /** The smallest sample with at least {@code q} of all samples at or below it. */
    public long quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    public long max() {
        return sorted[sorted.length - 1];
    }

    public double mean() {
        return (double) sum / sorted.length;
    }

    public int count() {
        return sorted.length;
    }

    /** How many samples exceed {@code nanos}. */
    public int countAbove(long nanos) {
        int firstAbove = Arrays.binarySearch(sorted, nanos + 1);
        int index = firstAbove >= 0 ? firstAbove : -firstAbove - 1;
        while (index > 0 && sorted[index - 1] > nanos) {
            index--;
        }
        return sorted.length - index;
    }

    /** One line: median, p99, p99.9, max and mean in microseconds. */
    public String summaryMicros() {
        return String.format("median %.3f us, p99 %.3f us, p99.9 %.3f us, max %.1f us, mean %.3f us",
                quantile(0.5) / 1e3, quantile(0.99) / 1e3, quantile(0.999) / 1e3, max() / 1e3, mean() / 1e3);
    }
}
