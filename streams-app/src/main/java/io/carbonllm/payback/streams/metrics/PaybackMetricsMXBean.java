package io.carbonllm.payback.streams.metrics;

import java.util.Map;

/**
 * What an app instance counts beyond Kafka Streams' own metrics, over JMX as
 * {@code io.carbonllm.payback:type=PaybackMetrics,application=<application.id>}. Counts are per instance, since start.
 */
public interface PaybackMetricsMXBean {

    /** Records this instance sent to the DLQ, by stage ({@code deserialize}, {@code validate}, {@code late}). */
    Map<String, Long> getDeadLettersByStage();

    /** Records of the global definition topics skipped as unreadable or invalid, by topic. */
    Map<String, Long> getDefinitionsSkippedByTopic();

    long getDeadLetters();

    long getDefinitionsSkipped();
}
