package io.carbonllm.payback.streams;

import static io.carbonllm.payback.streams.TopologyFixture.BASELINE;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.streams.dlq.DeadLetterStage;
import io.carbonllm.payback.streams.dlq.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is an output: each bad record lands in the DLQ with why and where from, and the next good one counts. */
class DeadLetterTopologyTest {

    private static final long S = 1_000L;
    private static final java.util.Map<String, Object> AT_LEAST_ONCE = java.util.Map.of("processing.guarantee", "at_least_once");

    @TempDir
    Path stateDir;
    private TopologyFixture fx;

    @BeforeEach
    void setUp() {
        // TopologyTestDriver 4.4 drops dead letters that the deserialization handler sends under exactly_once_v2
        // (its mock producer's transaction never commits them when no record was processed). The real broker does
        // not: the end-to-end test (DemoPipelineIT) checks the DLQ under exactly_once_v2.
        fx = new TopologyFixture(stateDir, AT_LEAST_ONCE);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void garbageBytesGoToTheDlqAndTheNextGoodRecordIsStillCounted() {
        // Given garbage that is not the Confluent wire format (offset 0)
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        fx.rawEvents.pipeInput("k".getBytes(StandardCharsets.UTF_8), garbage);
        // When a good event follows (offset 1), at 1 s: window [0, 60)
        fx.pipe(fx.event(BASELINE, 1 * S, 100, 10, true));

        // Then the DLQ holds the original bytes with the reason and the source coordinates
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        Headers headers = dead.get(0).headers();
        assertThat(header(headers, DeadLetters.REASON)).contains("Unknown magic byte 0x6e");
        assertThat(header(headers, DeadLetters.STAGE)).isEqualTo("deserialize");
        assertThat(header(headers, DeadLetters.SOURCE_TOPIC)).isEqualTo("inference-events");
        assertThat(header(headers, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(headers, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        // And the good record was counted
        assertThat(fx.storedWindow(BASELINE, 0).getRequests()).isEqualTo(1);
    }

    @Test
    void aReplayedRecordThatFailsAgainKeepsItsOwnHeadersAndReplayMarkButNotTheOldReasons() {
        // Given garbage as ./payback dlq replay publishes it: its producer's header, the replay header, and (as a
        // careless copy would) a stale reason from its first dead letter
        Headers sent = new RecordHeaders()
                .add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8))
                .add(DeadLetters.REPLAY_OF, "inference-events-dlq/2/7".getBytes(StandardCharsets.UTF_8))
                .add(DeadLetters.REASON, "stale reason".getBytes(StandardCharsets.UTF_8));
        fx.rawEvents.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8),
                "still not avro".getBytes(StandardCharsets.UTF_8), sent));

        // Then its new dead letter keeps the producer's header and the replay header, and has one reason: the new one
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        Headers headers = dead.get(0).headers();
        assertThat(header(headers, "trace-id")).isEqualTo("t-1");
        assertThat(header(headers, DeadLetters.REPLAY_OF)).isEqualTo("inference-events-dlq/2/7");
        assertThat(headers.headers(DeadLetters.REASON)).hasSize(1);
        assertThat(header(headers, DeadLetters.REASON)).contains("Unknown magic byte 0x73");  // 's' of "still"
        assertThat(header(headers, DeadLetters.STAGE)).isEqualTo(DeadLetterStage.DESERIALIZE.header());
    }

    @Test
    void unknownSchemaIdGoesToTheDlq() {
        // Given magic byte 0 and schema id 4242, which the registry never issued (offset 0)
        byte[] unknownId = {0, 0, 0, 0x10, (byte) 0x92, 2, 4, 6};
        fx.rawEvents.pipeInput(null, unknownId);
        // When a good event follows
        fx.pipe(fx.event(BASELINE, 1 * S, 100, 10, true));

        // Then
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0).headers(), DeadLetters.REASON)).contains("Unknown schema id 4242");
        assertThat(fx.storedWindow(BASELINE, 0).getRequests()).isEqualTo(1);
    }

    @Test
    void semanticallyInvalidEventsGoToTheDlqWithEveryProblemNamed() {
        // Given an event with negative input and output tokens (offset 0)
        InferenceEvent bad = fx.event(BASELINE, 1 * S, -5, -1, true);
        fx.pipe(bad);
        // And one with an absurd output token count (offset 1)
        fx.pipe(fx.event(BASELINE, 2 * S, 100, 50_000_000, true));
        // When a good event follows (offset 2)
        fx.pipe(fx.event(BASELINE, 3 * S, 100, 10, true));

        // Then both bad events are in the DLQ, as their original bytes, with the problems named
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        String firstReason = header(dead.get(0).headers(), DeadLetters.REASON);
        assertThat(firstReason).contains("inputTokens -5 is negative").contains("outputTokens -1 is negative");
        assertThat(header(dead.get(0).headers(), DeadLetters.STAGE)).isEqualTo("validate");
        assertThat(header(dead.get(0).headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(fx.topics.inferenceEvents().valueSerde().deserializer().deserialize("inference-events",
                dead.get(0).value()).getEventId()).isEqualTo(bad.getEventId());
        assertThat(header(dead.get(1).headers(), DeadLetters.REASON))
                .contains("outputTokens 50000000 exceeds the limit of 10000000 per request");
        assertThat(header(dead.get(1).headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
        // And only the good event was counted: 1 request with 100 input tokens
        assertThat(fx.storedWindow(BASELINE, 0).getRequests()).isEqualTo(1);
        assertThat(fx.storedWindow(BASELINE, 0).getInputTokens()).isEqualTo(100);
    }

    @Test
    void anEventDatedFarAheadOfTheWallClockGoesToTheDlqWithoutMovingStreamTime() {
        // Given a good event at 1 s (window [0, 60 s)), then one dated a day ahead of the wall clock, and one dated
        // Long.MAX_VALUE - 1 ms, which would overflow window arithmetic
        fx.pipe(fx.event(BASELINE, 1 * S, 100, 10, true));
        InferenceEvent ahead = fx.event(BASELINE, Instant.now().plus(Duration.ofDays(1)).toEpochMilli(), 100, 10, true);
        fx.pipe(ahead);
        fx.pipe(fx.event(BASELINE, Long.MAX_VALUE - 1, 100, 10, true));
        // When a good event of the same window follows, at 2 s
        fx.pipe(fx.event(BASELINE, 2 * S, 100, 10, true));

        // Then both go to the DLQ at the validate stage, naming the tolerance ...
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        for (TestRecord<byte[], byte[]> record : dead) {
            assertThat(header(record.headers(), DeadLetters.STAGE)).isEqualTo("validate");
            assertThat(header(record.headers(), DeadLetters.REASON)).contains("was more than PT15M ahead of the wall clock when it was read");
        }
        // ... and stream time did not move to their dates: the event at 2 s still counts in window [0, 60 s) (with a
        // stream time a day ahead, its window would be long past its 30 s grace and it would be dropped as late)
        assertThat(fx.storedWindow(BASELINE, 0).getRequests()).isEqualTo(2);
    }

    @Test
    void anEventLaterThanItsWindowsGraceGoesToTheDlqNamingTheWindowItMissed() {
        // Given an event at 1 s (window [0, 60 s)), then one at 100 s: stream time 100 s, and window [0, 60 s) closed at
        // its end + 30 s grace = 90 s
        fx.pipe(fx.event(BASELINE, 1 * S, 100, 10, true));
        fx.pipe(fx.event(BASELINE, 100 * S, 100, 10, true));
        // When an event for window [0, 60 s) arrives at 2 s
        fx.pipe(fx.event(BASELINE, 2 * S, 100, 10, true));

        // Then it goes to the DLQ at stage late, naming the window it missed, instead of vanishing into a metric
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0).headers(), DeadLetters.STAGE)).isEqualTo("late");
        assertThat(header(dead.get(0).headers(), DeadLetters.REASON))
                .contains("missed window [1970-01-01T00:00:00Z, 1970-01-01T00:01:00Z)")
                .contains("closed at 1970-01-01T00:01:30Z");
        // And window [0, 60 s) still holds its one request; window [60 s, 120 s) holds the one at 100 s
        assertThat(fx.storedWindow(BASELINE, 0).getRequests()).isEqualTo(1);
        assertThat(fx.storedWindow(BASELINE, 60 * S).getRequests()).isEqualTo(1);
    }

    @Test
    void aRecordWrittenWithAnIncompatibleSchemaGoesToTheDlq() {
        // Given bytes whose writer schema lacks required fields of InferenceEvent (no defaults), registered
        org.apache.avro.Schema partial = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"InferenceEvent","namespace":"io.carbonllm.payback.events",
                 "fields":[{"name":"eventId","type":"string"}]}""");
        int id = fx.registry.register("other-value", partial);
        byte[] bytes = {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id,
                2, 'x'};                                          // Avro string "x": zig-zag length 1, then 'x'
        fx.rawEvents.pipeInput(null, bytes);
        // When a good event follows
        fx.pipe(fx.event(BASELINE, 1 * S, 100, 10, true));

        // Then it cannot resolve against the reader schema, so it is dead-lettered, and the good one counts
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0).headers(), DeadLetters.REASON))
                .contains("Cannot decode the Avro body")
                .contains("schema id " + id);
        assertThat(fx.storedWindow(BASELINE, 0).getRequests()).isEqualTo(1);
    }

    private static String header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        assertThat(header).as("header %s", key).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void everyDeadLetterIsCountedByStage() {
        // Given garbage (deserialize), an event with negative tokens (validate), and a window closed at 90 s
        fx.rawEvents.pipeInput("k".getBytes(StandardCharsets.UTF_8), "garbage".getBytes(StandardCharsets.UTF_8));
        fx.pipe(fx.event(BASELINE, 1 * S, -5, 10, true));
        fx.pipe(fx.event(BASELINE, 100 * S, 100, 10, true));
        // and two events for window [0, 60 s) after it closed (late)
        fx.pipe(fx.event(BASELINE, 2 * S, 100, 10, true));
        fx.pipe(fx.event(BASELINE, 3 * S, 100, 10, true));

        // Then the DLQ holds 4 records and the metrics count them by stage: 1 + 1 + 2
        assertThat(fx.deadLetters.readRecordsToList()).hasSize(4);
        assertThat(fx.metrics.getDeadLettersByStage()).isEqualTo(Map.of("deserialize", 1L, "validate", 1L, "late", 2L));
        assertThat(fx.metrics.getDeadLetters()).isEqualTo(4);
    }
}
