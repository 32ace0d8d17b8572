package io.carbonllm.payback.core.validation;

import io.carbonllm.payback.events.InferenceEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Semantic checks of an {@link InferenceEvent}: what Avro cannot express. Plain Java, no Kafka.
 *
 * <p>Every problem is named with the field and the value, so a DLQ reader knows what to fix at the gateway.
 */
public final class EventValidator {

    /** Above this, metered energy per request is absurd: 100 kWh would run an 8-GPU server for about 10 hours. */
    static final double MAX_METERED_WH = 100_000.0;
    /** Above this, a parameter count is absurd: 100 trillion parameters. */
    static final double MAX_PARAMS_B = 100_000.0;

    private final long maxTokensPerRequest;
    private final Duration maxAhead;

    /**
     * @param maxTokensPerRequest token counts above this are absurd
     * @param maxAhead            how far an event's time may be ahead of the wall clock when it is read: a later one
     *                            would move its partition's stream time on, and every event after it would be late.
     *                            The time extractor decides, once, when the record is read ({@link #isTooFarAhead});
     *                            this validator reports its verdict
     */
    public EventValidator(long maxTokensPerRequest, Duration maxAhead) {
        this.maxTokensPerRequest = maxTokensPerRequest;
        this.maxAhead = maxAhead;
    }

    /** Whether {@code eventTime} is further ahead of the wall clock than allowed (the time extractor asks too). */
    public static boolean isTooFarAhead(long eventTimeMs, Duration maxAhead, Clock clock) {
        long limit = clock.millis() + maxAhead.toMillis();
        return eventTimeMs > (limit < 0 ? Long.MAX_VALUE : limit);
    }

    /**
     * The problems with {@code event} as read with timestamp {@code recordTimestamp}: the time extractor gives an event
     * dated too far ahead of the wall clock another timestamp, and that difference is the verdict reported here.
     */
    public List<String> problems(InferenceEvent event, long recordTimestamp) {
        List<String> problems = problems(event);
        // (an event with other problems may have been given the partition's time for them: its own time is not judged)
        if (problems.isEmpty() && event.getEventTime() != null && event.getEventTime().toEpochMilli() >= 0
                && event.getEventTime().toEpochMilli() != recordTimestamp) {
            problems.add("eventTime " + event.getEventTime() + " was more than " + maxAhead + " ahead of the wall clock "
                    + "when it was read; the limit is payback.validation.max.event.time.ahead.ms");
        }
        return problems;
    }

    /** The problems with {@code event}'s fields; empty when it is valid. */
    public List<String> problems(InferenceEvent event) {
        List<String> problems = new ArrayList<>();
        requireText(problems, "eventId", event.getEventId());
        requireText(problems, "gateway", event.getGateway());
        requireText(problems, "useCase", event.getUseCase());
        requireText(problems, "modelId", event.getModelId());
        if (event.getTaskId() != null && event.getTaskId().isBlank()) {
            problems.add("taskId is blank (leave it null when a request is its own task)");
        }
        if (event.getEventTime() == null || event.getEventTime().toEpochMilli() < 0) {
            problems.add("eventTime " + event.getEventTime() + " is before 1970-01-01");
        }
        requireTokens(problems, "inputTokens", event.getInputTokens());
        requireTokens(problems, "cachedInputTokens", event.getCachedInputTokens());
        requireTokens(problems, "outputTokens", event.getOutputTokens());
        if (event.getInputTokens() >= 0 && event.getCachedInputTokens() > event.getInputTokens()) {
            problems.add("cachedInputTokens " + event.getCachedInputTokens() + " exceeds inputTokens "
                    + event.getInputTokens());
        }
        if (event.getLatencyMs() != null && event.getLatencyMs() < 0) {
            problems.add("latencyMs " + event.getLatencyMs() + " is negative");
        }
        Double metered = event.getMeteredEnergyWh();
        if (metered != null && !(metered >= 0 && metered <= MAX_METERED_WH)) {
            problems.add("meteredEnergyWh " + metered + " is outside [0, " + MAX_METERED_WH + "]");
        }
        String retrieval = event.getAttributes() == null ? null
                : event.getAttributes().get(io.carbonllm.payback.core.energy.EnergyAccounting.RETRIEVAL_WH_ATTRIBUTE);
        if (retrieval != null) {
            Double wh = io.carbonllm.payback.core.energy.EnergyAccounting.retrievalWh(event);
            if (wh == null || !(wh >= 0 && wh <= MAX_METERED_WH)) {
                problems.add("attribute " + io.carbonllm.payback.core.energy.EnergyAccounting.RETRIEVAL_WH_ATTRIBUTE
                        + " '" + retrieval + "' is not a number in [0, " + MAX_METERED_WH + "]");
            }
        }
        requireParams(problems, "activeParamsB", event.getActiveParamsB());
        requireParams(problems, "totalParamsB", event.getTotalParamsB());
        if (event.getActiveParamsB() != null && event.getTotalParamsB() != null
                && event.getActiveParamsB() > event.getTotalParamsB()) {
            problems.add("activeParamsB " + event.getActiveParamsB() + " exceeds totalParamsB " + event.getTotalParamsB());
        }
        return problems;
    }

    /**
     * Throws {@link InvalidEventException} naming every problem of {@code event} as read with {@code recordTimestamp};
     * returns the event when it is valid.
     */
    public InferenceEvent requireValid(InferenceEvent event, long recordTimestamp) {
        List<String> problems = problems(event, recordTimestamp);
        if (!problems.isEmpty()) {
            throw new InvalidEventException("invalid InferenceEvent " + event.getEventId() + ": "
                    + String.join("; ", problems));
        }
        return event;
    }

    private static void requireText(List<String> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(field + " is empty");
        }
    }

    private void requireTokens(List<String> problems, String field, long value) {
        if (value < 0) {
            problems.add(field + " " + value + " is negative");
        } else if (value > maxTokensPerRequest) {
            problems.add(field + " " + value + " exceeds the limit of " + maxTokensPerRequest + " per request");
        }
    }

    private static void requireParams(List<String> problems, String field, Double value) {
        if (value != null && !(value > 0 && value <= MAX_PARAMS_B)) {
            problems.add(field + " " + value + " is outside (0, " + MAX_PARAMS_B + "]");
        }
    }
}
