package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.streams.dlq.DeadLetterStage;
import io.carbonllm.payback.streams.dlq.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A DLQ record read back: the headers DeadLetters writes, the original headers, and the selection by stage and time. */
class DeadLetterTest {

    private static final byte[] KEY = "support-summarize".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {0, 0, 0, 0, 7, 2, 'x'};
    /** 2026-11-27T16:00:00Z: day 20,784 since the epoch x 86,400,000 ms = 1,795,737,600,000, + 16 h x 3,600,000 ms. */
    private static final long TIMESTAMP = 1_795_737_600_000L + 16 * 3_600_000L;

    static ConsumerRecord<byte[], byte[]> record(int partition, long offset, RecordHeaders headers) {
        return new ConsumerRecord<>(DeadLetters.TOPIC_DEFAULT, partition, offset, TIMESTAMP, TimestampType.CREATE_TIME,
                KEY.length, VALUE.length, KEY, VALUE, headers, Optional.empty());
    }

    static RecordHeaders deadLetterHeaders(String stage, String failedAt, String partition) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", bytes("t-9"));
        headers.add(DeadLetters.REPLAY_OF, bytes("inference-events-dlq/1/4"));
        headers.add(DeadLetters.REASON, bytes("outputTokens -3 is negative"));
        headers.add(DeadLetters.STAGE, bytes(stage));
        headers.add(DeadLetters.EXCEPTION, bytes("io.carbonllm.payback.core.validation.InvalidEventException"));
        headers.add(DeadLetters.SOURCE_TOPIC, bytes("inference-events"));
        headers.add(DeadLetters.SOURCE_PARTITION, bytes(partition));
        headers.add(DeadLetters.SOURCE_OFFSET, bytes("41"));
        if (failedAt != null) {
            headers.add(DeadLetters.FAILED_AT, bytes(failedAt));
        }
        return headers;
    }

    @Test
    void theHeadersSayWhyWhenAndWhereFromAndTheRestAreTheOriginals() {
        DeadLetter d = DeadLetter.of(record(2, 17, deadLetterHeaders("validate", "2026-11-27T16:53:52.123Z", "3")));

        assertThat(d.position()).isEqualTo("inference-events-dlq/2/17");
        assertThat(d.source()).isEqualTo("inference-events/3/41");
        assertThat(d.stage()).isEqualTo("validate");
        assertThat(d.reason()).isEqualTo("outputTokens -3 is negative");
        assertThat(d.failedAt()).isEqualTo(Instant.parse("2026-11-27T16:53:52.123Z"));
        assertThat(d.replayOf()).isEqualTo("inference-events-dlq/1/4");
        assertThat(d.keyText()).isEqualTo("support-summarize");
        assertThat(d.keySize()).isEqualTo(17);
        assertThat(d.valueSize()).isEqualTo(7);
        // the original headers: the producer's and the replay mark, none of the payback.dlq.* ones
        assertThat(d.originalHeaders()).extracting(Header::key).containsExactly("trace-id", DeadLetters.REPLAY_OF);
    }

    @Test
    void aMissingTimeFallsBackToTheRecordTimestampAndABadPartitionIsUnknown() {
        DeadLetter d = DeadLetter.of(record(0, 0, deadLetterHeaders("deserialize", null, "two")));

        assertThat(d.failedAt()).isEqualTo(Instant.parse("2026-11-27T16:00:00Z"));
        assertThat(d.sourcePartition()).isNull();
        assertThat(d.source()).isEqualTo("inference-events/?/41");
    }

    @Test
    void aKeyThatIsNotUtf8HasNoText() {
        ConsumerRecord<byte[], byte[]> binary = new ConsumerRecord<>("dlq", 0, 0, TIMESTAMP, TimestampType.CREATE_TIME,
                2, 0, new byte[] {(byte) 0xff, (byte) 0xfe}, null, new RecordHeaders(), Optional.empty());
        DeadLetter d = DeadLetter.of(binary);
        assertThat(d.keyText()).isNull();
        assertThat(d.keySize()).isEqualTo(2);
        assertThat(d.valueSize()).isZero();
    }

    @Test
    void theFilterSelectsByStageAndFromTheSinceInstantOn() {
        DeadLetter validate = DeadLetter.of(record(0, 1, deadLetterHeaders("validate", "2026-11-27T10:00:00Z", "0")));
        DeadLetter deserialize = DeadLetter.of(record(0, 2, deadLetterHeaders("deserialize", "2026-11-27T10:00:00Z", "0")));

        assertThat(new DeadLetterFilter(null, null).matches(deserialize)).isTrue();
        assertThat(new DeadLetterFilter(DeadLetterStage.VALIDATE, null).matches(validate)).isTrue();
        assertThat(new DeadLetterFilter(DeadLetterStage.VALIDATE, null).matches(deserialize)).isFalse();
        // --since is inclusive: a dead letter at exactly 10:00:00 is selected by --since 10:00:00, not by 10:00:00.001
        assertThat(new DeadLetterFilter(null, Instant.parse("2026-11-27T10:00:00Z")).matches(validate)).isTrue();
        assertThat(new DeadLetterFilter(null, Instant.parse("2026-11-27T10:00:00.001Z")).matches(validate)).isFalse();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
