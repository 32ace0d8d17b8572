package io.carbonllm.payback.streams.dlq;

import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.streams.metrics.PaybackMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be read (garbage bytes, an unknown magic byte, an unknown schema id, a body that does
 * not resolve against the reader schema) to the DLQ and continues.
 *
 * <p>A registry that cannot be reached, throttles us (after the client's retries) or refuses our credentials is not
 * the record's fault: that fails the task instead, so that nothing good lands in the DLQ and no offset moves past it.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    private String dlqTopic = DeadLetters.TOPIC_DEFAULT;
    private PaybackMetrics metrics = new PaybackMetrics();

    @Override
    public void configure(Map<String, ?> configs) {
        dlqTopic = DeadLetters.topic(configs);
        metrics = PaybackMetrics.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (isRegistryProblem(exception)) {
            log.error("Schema registry unavailable, throttling or refusing us while reading task {} topic {} partition {} "
                    + "offset {}; failing rather than dead-lettering a record that may be good", context.taskId(),
                    context.topic(), context.partition(), context.offset(), exception);
            return Response.fail();
        }
        if (context.taskId() == null || context.taskId().subtopology() < 0) {
            // A global table's update task has no producer for dead letters: skip the record, loudly. It stays in
            // its compacted topic until a corrected record with the same key replaces it.
            log.error("Unreadable record in global table topic {} partition {} offset {} skipped; publish a corrected "
                    + "record under its key", context.topic(), context.partition(), context.offset(), exception);
            metrics.definitionSkipped(context.topic());
            return Response.resume();
        }
        log.warn("Unreadable record in task {} topic {} partition {} offset {} sent to {}", context.taskId(),
                context.topic(), context.partition(), context.offset(), dlqTopic, exception);
        metrics.deadLettered(DeadLetterStage.DESERIALIZE.header());
        return Response.resume(List.of(DeadLetters.record(dlqTopic, context, record.key(), record.value(),
                record.headers(), DeadLetterStage.DESERIALIZE, exception)));
    }

    /** A registry failure that is not the record's fault: anything but an unknown schema id. */
    static boolean isRegistryProblem(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException e && !e.isRecordsFault()) {
                return true;
            }
        }
        return false;
    }
}
