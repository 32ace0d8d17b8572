package io.carbonllm.payback.streams.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.PaybackStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    private static LedgerSource.Snapshot oneLedger() {
        BasisLedger energy = BasisLedger.newBuilder().setUnit("Wh").setStatus("PAYING_BACK").setSaved(5)
                .setFootprint(10).setPaybackRatio(0.5).build();
        PaybackStatus status = PaybackStatus.newBuilder().setComparisonId("c").setCandidateId("k").setUseCase("u")
                .setModelId("m").setStatus("PAYING_BACK").setEnergy(energy).setCo2eLocation(energy)
                .setCo2eMarket(energy).build();
        return new LedgerSource.Snapshot(List.of(status), List.of());
    }

    @Test
    void aScrapeThatCannotReadTheLedgersExportsNoneOfThemAndCountsIt() {
        // Given a ledger exported once
        AtomicBoolean readable = new AtomicBoolean(true);
        try (PrometheusMetrics metrics = new PrometheusMetrics("t", new PaybackMetrics(), List.of("deserialize"),
                List.of("comparisons"))) {
            metrics.bindLedgers(() -> {
                if (!readable.get()) {
                    throw new IllegalStateException("stores migrating");
                }
                return oneLedger();
            });
            PrometheusText first = PrometheusText.parse(metrics.endpoint().scrape());
            assertThat(first.value("payback_ratio", "comparison", "c", "candidate", "k", "basis", "ENERGY"))
                    .isEqualTo(0.5);
            assertThat(first.value("payback_ledgers")).isEqualTo(1.0);

            // When the next scrape cannot read them (the partition may have moved to another instance)
            readable.set(false);
            PrometheusText failed = PrometheusText.parse(metrics.endpoint().scrape());

            // Then it answers, without the ledger's series (not the last figures), and counts the failure
            assertThat(failed.find("payback_ratio")).isEmpty();
            assertThat(failed.find("payback_ledger_info")).isEmpty();
            assertThat(failed.value("payback_ledgers")).isZero();
            assertThat(failed.value("payback_ledger_read_failures_total")).isEqualTo(1.0);
            assertThat(failed.names()).contains("jvm_memory_used_bytes");

            // And once readable again, the ledger is back
            readable.set(true);
            assertThat(PrometheusText.parse(metrics.endpoint().scrape())
                    .value("payback_ratio", "comparison", "c", "candidate", "k", "basis", "ENERGY")).isEqualTo(0.5);
        }
    }
}
