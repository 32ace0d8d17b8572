package io.carbonllm.payback.streams.window;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import java.time.Instant;

/** The arithmetic of a variant's window: adding an event, and the per-successful-task figures. No Kafka. */
public final class VariantCounters {

    private VariantCounters() {
    }

    public static VariantStats empty() {
        return VariantStats.newBuilder().build();
    }

    /** The window's counters after one more request. */
    public static VariantStats add(VariantStats stats, InferenceEvent event) {
        Instant time = event.getEventTime();
        return VariantStats.newBuilder(stats)
                .setRequests(stats.getRequests() + 1)
                .setSuccesses(stats.getSuccesses() + (event.getSuccess() ? 1 : 0))
                .setFailures(stats.getFailures() + (event.getSuccess() ? 0 : 1))
                .setInputTokens(stats.getInputTokens() + event.getInputTokens())
                .setCachedInputTokens(stats.getCachedInputTokens() + event.getCachedInputTokens())
                .setOutputTokens(stats.getOutputTokens() + event.getOutputTokens())
                .setFirstEventTime(stats.getFirstEventTime() == null || time.isBefore(stats.getFirstEventTime())
                        ? time : stats.getFirstEventTime())
                .setLastEventTime(stats.getLastEventTime() == null || time.isAfter(stats.getLastEventTime())
                        ? time : stats.getLastEventTime())
                .build();
    }

    /**
     * {@code numerator / successes}, or null when there were no successes: a window with no successful task has
     * no per-task figure, never NaN or infinity.
     */
    public static Double perSuccessfulTask(long numerator, long successes) {
        return successes <= 0 ? null : (double) numerator / successes;
    }

    /** The published result of one window. Failed requests' tokens count: they were spent to get the successes. */
    public static VariantWindow result(VariantKey key, Instant windowStart, Instant windowEnd, VariantStats stats) {
        long successes = stats.getSuccesses();
        long allTokens = stats.getInputTokens() + stats.getOutputTokens();
        return VariantWindow.newBuilder()
                .setUseCase(key.getUseCase())
                .setModelId(key.getModelId())
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setRequests(stats.getRequests())
                .setSuccesses(successes)
                .setFailures(stats.getFailures())
                .setInputTokens(stats.getInputTokens())
                .setCachedInputTokens(stats.getCachedInputTokens())
                .setOutputTokens(stats.getOutputTokens())
                .setTokensPerSuccessfulTask(perSuccessfulTask(allTokens, successes))
                .setInputTokensPerSuccessfulTask(perSuccessfulTask(stats.getInputTokens(), successes))
                .setOutputTokensPerSuccessfulTask(perSuccessfulTask(stats.getOutputTokens(), successes))
                .setSuccessRate(stats.getRequests() == 0 ? null : (double) successes / stats.getRequests())
                .build();
    }
}
