package io.carbonllm.payback.bench.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The nearest-rank percentile the freshness report quotes. */
class FreshnessRunTest {

    @Test
    void nearestRankOfOneToAHundred() {
        // Of 1, 2, ..., 100 ms the p-th percentile by nearest rank is the value at rank ceil(p x 100): p50 is the
        // 50th value (50 ms), p99 the 99th (99 ms), p100 the largest
        double[] sorted = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();
        assertThat(FreshnessRun.rank(sorted, 0.50)).isEqualTo(50.0);
        assertThat(FreshnessRun.rank(sorted, 0.99)).isEqualTo(99.0);
        assertThat(FreshnessRun.rank(sorted, 1.00)).isEqualTo(100.0);
    }

    @Test
    void ofFewValuesTheP99IsTheLargest() {
        // 10 values: ceil(0.99 x 10) = rank 10, the largest; ceil(0.5 x 10) = rank 5
        double[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertThat(FreshnessRun.rank(sorted, 0.99)).isEqualTo(100.0);
        assertThat(FreshnessRun.rank(sorted, 0.50)).isEqualTo(50.0);
        assertThat(FreshnessRun.rank(new double[] {7}, 0.5)).isEqualTo(7.0);
    }
}
