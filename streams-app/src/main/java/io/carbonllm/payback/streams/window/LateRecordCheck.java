package io.carbonllm.payback.streams.window;

import io.carbonllm.payback.events.TaskOutcome;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Decides, before the window stage, whether a task is too late for its window: its window's end + grace is at or
 * before the task's stream time. Kafka Streams would drop it silently (only a metric would know); here it becomes a
 * {@link LateRecordException}, which the processing exception handler sends to the DLQ (stage {@code late}) naming
 * the window it missed. The task's stream time is committed with its offsets, so the verdict is the same after a
 * restart as in an uninterrupted run, and whatever passes here the window aggregate accepts.
 */
public final class LateRecordCheck<K> implements FixedKeyProcessor<K, TaskOutcome, TaskOutcome> {

    private final long windowMs;
    private final long graceMs;
    private FixedKeyProcessorContext<K, TaskOutcome> context;

    public LateRecordCheck(Duration windowSize, Duration grace) {
        this.windowMs = windowSize.toMillis();
        this.graceMs = grace.toMillis();
    }

    @Override
    public void init(FixedKeyProcessorContext<K, TaskOutcome> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<K, TaskOutcome> record) {
        long time = record.timestamp();
        long windowStart = time - Math.floorMod(time, windowMs);
        long streamTime = context.currentStreamTimeMs();
        if (windowStart + windowMs + graceMs <= streamTime) {
            throw new LateRecordException("task of " + record.value().getUseCase() + "/" + record.value().getModelId()
                    + " at " + Instant.ofEpochMilli(time) + " missed window [" + Instant.ofEpochMilli(windowStart) + ", "
                    + Instant.ofEpochMilli(windowStart + windowMs) + "): it closed at " + Instant.ofEpochMilli(
                    windowStart + windowMs + graceMs) + " (end + grace) and stream time is " + Instant.ofEpochMilli(streamTime));
        }
        context.forward(record);
    }
}
