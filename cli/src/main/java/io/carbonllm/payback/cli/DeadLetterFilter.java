package io.carbonllm.payback.cli;

import io.carbonllm.payback.streams.dlq.DeadLetterStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which dead letters {@code ./payback dlq} and {@code dlq replay} select: of one stage (or any), dead-lettered at or
 * after an instant (or ever).
 */
record DeadLetterFilter(DeadLetterStage stage, Instant since) {

    boolean matches(DeadLetter deadLetter) {
        return (stage == null || stage.header().equals(deadLetter.stage()))
                && (since == null || !deadLetter.failedAt().isBefore(since));
    }

    /** "--stage validate --since 2026-11-27T10:00:00Z", or "" with no filter. */
    String flags() {
        List<String> flags = new ArrayList<>();
        if (stage != null) {
            flags.add("--stage " + stage.header());
        }
        if (since != null) {
            flags.add("--since " + since);
        }
        return String.join(" ", flags);
    }
}
