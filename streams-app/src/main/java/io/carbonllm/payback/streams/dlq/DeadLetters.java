package io.carbonllm.payback.streams.dlq;

import io.carbonllm.payback.contract.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Builds dead-letter records: the original key and value bytes, the original headers, and headers that say why and
 * where from. Both error handlers use it, so every DLQ record has the same shape.
 */
public final class DeadLetters {

    /** Every header this class adds starts with it; {@link #record} drops such headers from the original ones. */
    public static final String HEADER_PREFIX = "payback.dlq.";
    public static final String REASON = "payback.dlq.reason";
    public static final String STAGE = "payback.dlq.stage";
    public static final String EXCEPTION = "payback.dlq.exception";
    public static final String SOURCE_TOPIC = "payback.dlq.source.topic";
    public static final String SOURCE_PARTITION = "payback.dlq.source.partition";
    public static final String SOURCE_OFFSET = "payback.dlq.source.offset";
    public static final String FAILED_AT = "payback.dlq.failed.at";
    /**
     * Set by {@code ./payback dlq replay} on a record it publishes again: {@code <dlq topic>/<partition>/<offset>} of
     * the dead letter it came from. Outside {@link #HEADER_PREFIX} on purpose, so that a replayed record that fails
     * again keeps it in its new dead letter.
     */
    public static final String REPLAY_OF = "payback.replay.of";

    /** The config key that names the DLQ topic; the handlers read it from the Streams config. */
    public static final String TOPIC_CONFIG = "payback.topic.dlq";
    public static final String TOPIC_DEFAULT = TopicNames.DEAD_LETTERS;

    private DeadLetters() {
    }

    public static String topic(Map<String, ?> configs) {
        Object topic = configs.get(TOPIC_CONFIG);
        return topic == null ? TOPIC_DEFAULT : topic.toString();
    }

    public static ProducerRecord<byte[], byte[]> record(String dlqTopic, ErrorHandlerContext context, byte[] key,
                                                        byte[] value, Headers originalHeaders, DeadLetterStage stage,
                                                        Exception exception) {
        Headers headers = new RecordHeaders();
        if (originalHeaders != null) {
            for (Header header : originalHeaders) {
                if (!header.key().startsWith(HEADER_PREFIX)) {
                    headers.add(header);
                }
            }
        }
        add(headers, REASON, reason(exception));
        add(headers, STAGE, stage.header());
        add(headers, EXCEPTION, exception.getClass().getName());
        add(headers, SOURCE_TOPIC, context.topic());
        add(headers, SOURCE_PARTITION, Integer.toString(context.partition()));
        add(headers, SOURCE_OFFSET, Long.toString(context.offset()));
        add(headers, FAILED_AT, Instant.now().toString());
        return new ProducerRecord<>(dlqTopic, null, null, key, value, headers);
    }

    /** The message of the exception and of its causes, so a wrapped registry error keeps its detail. */
    static String reason(Throwable exception) {
        StringBuilder reason = new StringBuilder();
        Throwable current = exception;
        int depth = 0;
        while (current != null && depth < 4) {
            String message = current.getMessage();
            if (message != null && (reason.length() == 0 || reason.indexOf(message) < 0)) {
                if (reason.length() > 0) {
                    reason.append(" <- ");
                }
                reason.append(message);
            }
            current = current.getCause();
            depth++;
        }
        if (reason.length() == 0) {
            reason.append(exception.getClass().getSimpleName());
        }
        return reason.length() > 2000 ? reason.substring(0, 2000) : reason.toString();
    }

    private static void add(Headers headers, String key, String value) {
        headers.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
