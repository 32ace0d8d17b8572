package io.carbonllm.payback.sdk;

import io.carbonllm.payback.events.InferenceEvent;
import java.util.Objects;

/** The cheap checks {@link PaybackTracker#record} makes on the caller's thread; the streams app checks the rest. */
final class Validation {

    private Validation() {
    }

    static void check(InferenceEvent event) {
        Objects.requireNonNull(event, "event");
        text(event.getEventId(), "eventId");
        text(event.getUseCase(), "useCase");
        text(event.getModelId(), "modelId");
        text(event.getGateway(), "gateway");
        if (event.getEventTime() == null) {
            throw new IllegalArgumentException("eventTime is null");
        }
        nonNegative(event.getInputTokens(), "inputTokens");
        nonNegative(event.getCachedInputTokens(), "cachedInputTokens");
        nonNegative(event.getOutputTokens(), "outputTokens");
        if (event.getCachedInputTokens() > event.getInputTokens()) {
            throw new IllegalArgumentException("cachedInputTokens " + event.getCachedInputTokens()
                    + " exceeds inputTokens " + event.getInputTokens());
        }
        Long latency = event.getLatencyMs();
        if (latency != null && latency < 0) {
            throw new IllegalArgumentException("latencyMs is negative: " + latency);
        }
        Double wh = event.getMeteredEnergyWh();
        if (wh != null && !(Double.isFinite(wh) && wh >= 0)) {
            throw new IllegalArgumentException("meteredEnergyWh must be a finite number >= 0, got " + wh);
        }
    }

    private static void text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is blank");
        }
    }

    private static void nonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " is negative: " + value);
        }
    }
}
