package io.carbonllm.payback.streams.dlq;

import io.carbonllm.payback.core.validation.InvalidEventException;
import io.carbonllm.payback.streams.metrics.PaybackMetrics;
import io.carbonllm.payback.streams.window.LateRecordException;
import io.carbonllm.payback.streams.window.MisroutedRecordException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends events that fail validation (stage {@code validate}, the event's original bytes), events on another partition
 * than their use case's under {@code payback.input.partitioning=use-case} (stage {@code misrouted}, the original
 * bytes) and tasks that missed their window (stage {@code late}, the record as the window stage read it) to the DLQ,
 * and continues. Any other exception is a bug, not bad input: it fails the task rather than hiding in the DLQ.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
    private String dlqTopic = DeadLetters.TOPIC_DEFAULT;
    private PaybackMetrics metrics = new PaybackMetrics();

    @Override
    public void configure(Map<String, ?> configs) {
        dlqTopic = DeadLetters.topic(configs);
        metrics = PaybackMetrics.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        DeadLetterStage stage;
        if (exception instanceof InvalidEventException) {
            stage = DeadLetterStage.VALIDATE;
        } else if (exception instanceof LateRecordException) {
            stage = DeadLetterStage.LATE;
        } else if (exception instanceof MisroutedRecordException) {
            stage = DeadLetterStage.MISROUTED;
        } else {
            return Response.fail();
        }
        log.warn("Record in task {} topic {} partition {} offset {} sent to {} (stage {}): {}", context.taskId(),
                context.topic(), context.partition(), context.offset(), dlqTopic, stage.header(), exception.getMessage());
        metrics.deadLettered(stage.header());
        return Response.resume(List.of(DeadLetters.record(dlqTopic, context, context.sourceRawKey(),
                context.sourceRawValue(), context.headers(), stage, exception)));
    }
}
