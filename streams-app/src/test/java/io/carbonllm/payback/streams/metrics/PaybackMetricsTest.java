package io.carbonllm.payback.streams.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PaybackMetricsTest {

    @Test
    void theSummaryCountsDeadLettersByStageAndSkipsByTopic() {
        PaybackMetrics metrics = new PaybackMetrics();
        assertThat(metrics.summary()).isEqualTo("dead letters 0; definitions skipped 0");

        // Given 3 deserialize and 1 validate dead letters, and one skipped run
        for (int i = 0; i < 3; i++) {
            metrics.deadLettered("deserialize");
        }
        metrics.deadLettered("validate");
        metrics.definitionSkipped("training-runs");

        // Then 3 + 1 = 4, by stage in name order
        assertThat(metrics.summary())
                .isEqualTo("dead letters 4 (deserialize 3, validate 1); definitions skipped 1 (training-runs 1)");
        assertThat(metrics.getDeadLettersByStage()).isEqualTo(Map.of("deserialize", 3L, "validate", 1L));
    }

    @Test
    void theErrorHandlersFindTheInstanceInTheStreamsConfigAndAFreshOneOtherwise() {
        PaybackMetrics metrics = new PaybackMetrics();
        assertThat(PaybackMetrics.from(Map.of(PaybackMetrics.INSTANCE_CONFIG, metrics))).isSameAs(metrics);
        assertThat(PaybackMetrics.from(Map.of())).isNotSameAs(metrics);
    }
}
