package io.carbonllm.payback.streams.window;

import io.carbonllm.payback.events.TaskOutcome;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Stamps a folded task with the stream time at which it was known to be complete (its inactivity gap elapsed). A
 * task counts in the window in which it completed: stamped with its last request's time instead, it would arrive
 * after that window's grace and be dropped.
 */
public final class CompletionTime<K> implements FixedKeyProcessor<K, TaskOutcome, TaskOutcome> {

    private FixedKeyProcessorContext<K, TaskOutcome> context;

    @Override
    public void init(FixedKeyProcessorContext<K, TaskOutcome> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<K, TaskOutcome> record) {
        context.forward(record.withTimestamp(Math.max(record.timestamp(), context.currentStreamTimeMs())));
    }
}
