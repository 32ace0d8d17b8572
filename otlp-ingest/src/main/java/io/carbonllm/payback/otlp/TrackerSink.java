package io.carbonllm.payback.otlp;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.sdk.PaybackTracker;
import java.util.List;

/** The producer SDK's tracker as the receiver's sink: the same no-block and back-pressure rules hold. */
public final class TrackerSink implements OtlpHttpEndpoint.Sink {

    private final PaybackTracker tracker;

    public TrackerSink(PaybackTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public boolean offerAll(List<InferenceEvent> events) {
        return tracker.recordAll(events);
    }

    @Override
    public String problem(InferenceEvent event) {
        return PaybackTracker.problemWith(event);
    }
}
