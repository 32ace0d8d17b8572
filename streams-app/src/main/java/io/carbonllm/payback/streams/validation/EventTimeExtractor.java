package io.carbonllm.payback.streams.validation;

import io.carbonllm.payback.core.validation.EventValidator;
import io.carbonllm.payback.events.InferenceEvent;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Windows by the event's own {@code eventTime}. An event without a usable time, or dated further ahead of the wall
 * clock than {@code maxAhead} (a clock bug at a gateway, an overflowing value), takes the partition's time instead, so
 * that it cannot move stream time on: validation then sends it to the DLQ, and the events after it still count.
 */
public final class EventTimeExtractor implements TimestampExtractor {

    private final Duration maxAhead;
    private final Clock clock;

    public EventTimeExtractor(Duration maxAhead, Clock clock) {
        this.maxAhead = maxAhead;
        this.clock = clock;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof InferenceEvent event && event.getEventTime() != null) {
            long eventTime = event.getEventTime().toEpochMilli();
            if (eventTime >= 0 && !EventValidator.isTooFarAhead(eventTime, maxAhead, clock)) {
                return eventTime;
            }
        }
        return Math.max(partitionTime, 0L);
    }
}
