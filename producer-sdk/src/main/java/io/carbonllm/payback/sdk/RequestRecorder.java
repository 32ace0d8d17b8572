package io.carbonllm.payback.sdk;

import io.carbonllm.payback.events.InferenceEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One LLM request, described field by field, then {@link #record()}ed: its event time is the tracker clock's now and
 * its event id a random UUID. Not thread-safe: one per request.
 *
 * <pre>{@code
 * tracker.request().useCase("support-summarize").model("llama-3.1-8b-support-ft")
 *         .inputTokens(812).outputTokens(164).success(true).taskId(conversationId).record();
 * }</pre>
 */
public final class RequestRecorder {

    private final PaybackTracker tracker;
    private final Clock clock;
    private final InferenceEvent.Builder event;

    RequestRecorder(PaybackTracker tracker, String gateway, Clock clock) {
        this.tracker = tracker;
        this.clock = clock;
        this.event = InferenceEvent.newBuilder().setGateway(gateway).setSuccess(true);
    }

    public RequestRecorder useCase(String useCase) {
        event.setUseCase(useCase);
        return this;
    }

    public RequestRecorder model(String modelId) {
        event.setModelId(modelId);
        return this;
    }

    /** The cloud or hosting provider (priced with its PUE), e.g. {@code aws}, {@code google}. */
    public RequestRecorder provider(String provider) {
        event.setProvider(provider);
        return this;
    }

    /** The region the model ran in (priced with its grid intensity), e.g. {@code eu-north-1}. */
    public RequestRecorder region(String region) {
        event.setRegion(region);
        return this;
    }

    /** Requests of one task (retries, agent steps) share a task id; the task succeeded if its last request did. */
    public RequestRecorder taskId(String taskId) {
        event.setTaskId(taskId);
        return this;
    }

    public RequestRecorder inputTokens(long tokens) {
        event.setInputTokens(tokens);
        return this;
    }

    public RequestRecorder cachedInputTokens(long tokens) {
        event.setCachedInputTokens(tokens);
        return this;
    }

    public RequestRecorder outputTokens(long tokens) {
        event.setOutputTokens(tokens);
        return this;
    }

    public RequestRecorder success(boolean success) {
        event.setSuccess(success);
        return this;
    }

    /** A failed request, with why (e.g. {@code timeout}, {@code validation}). */
    public RequestRecorder failed(String errorType) {
        event.setSuccess(false).setErrorType(errorType);
        return this;
    }

    public RequestRecorder latency(Duration latency) {
        event.setLatencyMs(latency.toMillis());
        return this;
    }

    /** Energy metered for this request (facility Wh), where the serving stack meters it. */
    public RequestRecorder meteredEnergyWh(double wh) {
        event.setMeteredEnergyWh(wh);
        return this;
    }

    /** Model size in billions of parameters, where the catalog does not know the model. */
    public RequestRecorder parameters(double activeB, double totalB) {
        event.setActiveParamsB(activeB).setTotalParamsB(totalB);
        return this;
    }

    /** Validates and queues the request; see {@link PaybackTracker#record(InferenceEvent)}. */
    public boolean record() {
        if (!event.hasInputTokens() || !event.hasOutputTokens()) {
            throw new IllegalArgumentException("inputTokens and outputTokens are required");
        }
        if (!event.hasUseCase() || !event.hasModelId()) {
            throw new IllegalArgumentException("useCase and model are required");
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;                 // version 4
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return tracker.record(event.setEventId(new UUID(msb, lsb).toString()).setEventTime(clock.instant()).build());
    }
}
