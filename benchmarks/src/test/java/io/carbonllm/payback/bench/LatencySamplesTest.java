package io.carbonllm.payback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencySamplesTest {

    @Test
    void quantilesAreNearestRankAndCountAboveIsStrict() {
        // Given 1..1000 ns, shuffled: nearest rank of q is the ceil(q * 1000)-th smallest
        long[] nanos = new long[1000];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (i * 7L) % 1000 + 1; // 7 and 1000 are coprime: a permutation of 1..1000
        }
        LatencySamples samples = new LatencySamples(nanos);

        // median: rank 500 -> 500; p99: rank 990 -> 990; p99.9: rank 999 -> 999; p0 -> the smallest, 1
        assertThat(samples.quantile(0.5)).isEqualTo(500);
        assertThat(samples.quantile(0.99)).isEqualTo(990);
        assertThat(samples.quantile(0.999)).isEqualTo(999);
        assertThat(samples.quantile(0)).isEqualTo(1);
        assertThat(samples.max()).isEqualTo(1000);
        // mean of 1..1000 = 1001 / 2
        assertThat(samples.mean()).isEqualTo(500.5);
        // above 990: 991..1000 = 10 samples; above 1000: none
        assertThat(samples.countAbove(990)).isEqualTo(10);
        assertThat(samples.countAbove(1000)).isZero();
    }

    @Test
    void equalSamplesAtTheThresholdAreNotCountedAbove() {
        LatencySamples samples = new LatencySamples(new long[] {5, 5, 5, 6, 6});
        assertThat(samples.countAbove(5)).isEqualTo(2);
        assertThat(samples.countAbove(4)).isEqualTo(5);
    }
}
