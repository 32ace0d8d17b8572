package io.carbonllm.payback.streams.dlq;

import io.carbonllm.payback.core.validation.InvalidEventException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events that fail validation to the DLQ, as their original bytes, and continues. Any other exception is a
 * bug, not bad input: it fails the task rather than hiding in the DLQ.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
    private String dlqTopic = DeadLetters.TOPIC_DEFAULT;

    @Override
    public void configure(Map<String, ?> configs) {
        dlqTopic = DeadLetters.topic(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (!(exception instanceof InvalidEventException)) {
            return Response.fail();
        }
        log.warn("Invalid event in task {} topic {} partition {} offset {} sent to {}: {}", context.taskId(),
                context.topic(), context.partition(), context.offset(), dlqTopic, exception.getMessage());
        return Response.resume(List.of(DeadLetters.record(dlqTopic, context, context.sourceRawKey(),
                context.sourceRawValue(), context.headers(), "validate", exception)));
    }
}
