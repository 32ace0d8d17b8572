package io.carbonllm.payback.streams.validation;

import io.carbonllm.payback.core.validation.EventValidator;
import io.carbonllm.payback.events.InferenceEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiPredicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Windows by the event's own {@code eventTime}. An event without a usable time, or dated further ahead of the wall
 * clock than {@code maxAhead} (a clock bug at a gateway, an overflowing value), takes the partition's time instead, so
 * that it cannot move stream time on: validation then sends it to the DLQ, and the events after it still count.
 *
 * <p>With {@code payback.input.partitioning=use-case} the input's own task folds and windows, so its stream time is the
 * windows' stream time: every event that will go to the DLQ instead (invalid fields, or on another partition than its
 * use case's) takes the partition's time too. (With the repartition, only valid events reach the windows' task.)
 */
public final class EventTimeExtractor implements TimestampExtractor {

    private final Duration maxAhead;
    private final Clock clock;
    private final BiPredicate<ConsumerRecord<Object, Object>, InferenceEvent> heldBack;

    public EventTimeExtractor(Duration maxAhead, Clock clock) {
        this(maxAhead, clock, (record, event) -> false);
    }

    /** @param heldBack events that take the partition's time whatever their own: those that will not be windowed */
    public EventTimeExtractor(Duration maxAhead, Clock clock,
                              BiPredicate<ConsumerRecord<Object, Object>, InferenceEvent> heldBack) {
        this.maxAhead = maxAhead;
        this.clock = clock;
        this.heldBack = heldBack;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof InferenceEvent event && event.getEventTime() != null) {
            long eventTime = event.getEventTime().toEpochMilli();
            if (eventTime >= 0 && !EventValidator.isTooFarAhead(eventTime, maxAhead, clock)
                    && !heldBack.test(record, event)) {
                return eventTime;
            }
        }
        return Math.max(partitionTime, 0L);
    }
}
