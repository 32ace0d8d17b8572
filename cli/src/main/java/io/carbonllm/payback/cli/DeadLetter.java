package io.carbonllm.payback.cli;

import io.carbonllm.payback.streams.dlq.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record of the DLQ topic as the {@code dlq} commands see it: where it is in the DLQ, the headers
 * {@link DeadLetters} wrote (why, when, where from), and the original key, value and headers to publish again.
 *
 * @param failedAt        header {@code payback.dlq.failed.at}, or the DLQ record's timestamp if the header is missing
 * @param stage           the header's value as written; an app newer than this CLI may write a stage it does not know
 * @param sourcePartition null when the header is missing or not a number, like {@code sourceOffset}
 * @param replayOf        header {@code payback.replay.of}: this record had been replayed from that dead letter
 * @param originalHeaders the original record's headers: every header but the {@code payback.dlq.*} ones
 */
record DeadLetter(String dlqTopic, int partition, long offset, Instant failedAt, String stage, String reason,
                  String exception, String sourceTopic, Integer sourcePartition, Long sourceOffset, String replayOf,
                  byte[] key, byte[] value, List<Header> originalHeaders) {

    static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        List<Header> original = new ArrayList<>();
        for (Header header : record.headers()) {
            if (!header.key().startsWith(DeadLetters.HEADER_PREFIX)) {
                original.add(header);
            }
        }
        return new DeadLetter(record.topic(), record.partition(), record.offset(),
                failedAt(header(record, DeadLetters.FAILED_AT), record.timestamp()),
                header(record, DeadLetters.STAGE), header(record, DeadLetters.REASON),
                header(record, DeadLetters.EXCEPTION), header(record, DeadLetters.SOURCE_TOPIC),
                integer(header(record, DeadLetters.SOURCE_PARTITION)), longValue(header(record, DeadLetters.SOURCE_OFFSET)),
                header(record, DeadLetters.REPLAY_OF), record.key(), record.value(), List.copyOf(original));
    }

    /** {@code inference-events-dlq/2/17}: the dead letter's own position, the form of {@code payback.replay.of}. */
    String position() {
        return dlqTopic + "/" + partition + "/" + offset;
    }

    /** {@code inference-events/0/3}, with {@code ?} for what the headers did not say. */
    String source() {
        return (sourceTopic == null ? "?" : sourceTopic) + "/" + (sourcePartition == null ? "?" : sourcePartition)
                + "/" + (sourceOffset == null ? "?" : sourceOffset);
    }

    int keySize() {
        return key == null ? 0 : key.length;
    }

    int valueSize() {
        return value == null ? 0 : value.length;
    }

    /** The key as text when it is valid UTF-8 (the SDK keys by use case), else null. */
    String keyText() {
        if (key == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Instant failedAt(String header, long timestamp) {
        if (header != null) {
            try {
                return Instant.parse(header);
            } catch (DateTimeParseException e) {
                // fall back to the record's timestamp, which the DLQ producer set when it wrote the dead letter
            }
        }
        return Instant.ofEpochMilli(timestamp);
    }

    private static Integer integer(String text) {
        Long value = longValue(text);
        return value == null || value < 0 || value > Integer.MAX_VALUE ? null : value.intValue();
    }

    private static Long longValue(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
