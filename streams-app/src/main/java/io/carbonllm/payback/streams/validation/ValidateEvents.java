package io.carbonllm.payback.streams.validation;

import io.carbonllm.payback.core.validation.EventValidator;
import io.carbonllm.payback.events.InferenceEvent;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The validate stage: the core's checks of each event, as read. An invalid event throws, and the processing exception
 * handler sends it to the DLQ. The record's timestamp is the time extractor's verdict on how far ahead the event was
 * dated, so the two can never disagree.
 */
public final class ValidateEvents<K> implements FixedKeyProcessor<K, InferenceEvent, InferenceEvent> {

    private final EventValidator validator;
    private FixedKeyProcessorContext<K, InferenceEvent> context;

    public ValidateEvents(EventValidator validator) {
        this.validator = validator;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, InferenceEvent> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<K, InferenceEvent> record) {
        context.forward(record.withValue(validator.requireValid(record.value(), record.timestamp())));
    }
}
