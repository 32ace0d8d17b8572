package io.carbonllm.payback.streams.validation;

import io.carbonllm.payback.events.InferenceEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Windows by the event's own {@code eventTime}. An event without a usable time falls back to the record timestamp
 * (then to partition time) instead of being dropped silently, so that validation can send it to the DLQ.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof InferenceEvent event && event.getEventTime() != null
                && event.getEventTime().toEpochMilli() >= 0) {
            return event.getEventTime().toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0L);
    }
}
