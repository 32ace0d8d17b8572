package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.schemas.serde.WireFormatException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

/** The uncaught-exception policy: a registry blip replaces the thread; anything else stops the instance. */
class PaybackStreamsRunnerPolicyTest {

    private static final String URL = "http://registry:8081/schemas/ids/7";

    /** A budget whose clock never moves. */
    private static RegistryBlips blips() {
        return new RegistryBlips(Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));
    }

    private static StreamsException failedReading(Throwable cause) {
        return new StreamsException("Deserialization exception handler is set to fail upon a deserialization error",
                new WireFormatException("Cannot fetch schema id 7", cause));
    }

    @Test
    void anUnreachableOrThrottlingRegistryReplacesTheThreadAfterAPause() {
        assertThat(PaybackStreamsRunner.responseTo(failedReading(
                new SchemaRegistryException.Unavailable("HTTP 429 (throttled)", URL, 429, null)), false, blips()))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(PaybackStreamsRunner.responseTo(failedReading(
                new SchemaRegistryException.Unavailable("unreachable", URL, -1, null)), false, blips()))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void aWriteTheClusterDidNotAcknowledgeInTimeReplacesTheThread() {
        // As Kafka Streams reports a send past delivery.timeout.ms under exactly-once (BrokerOutageIT)
        StreamsException expired = new StreamsException("Error encountered trying to send record to topic "
                + "app-payback-ledger-store-changelog", new KafkaException("Cannot execute transactional method because "
                + "we are in an error state", new TransactionAbortableException("Transaction Request was aborted "
                + "after exhausting retries.", new TimeoutException("Expiring 7 record(s) for "
                + "app-task-close-index-store-changelog-0:30001 ms has passed since batch creation"))));
        assertThat(PaybackStreamsRunner.responseTo(expired, false, blips()))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        // ... or as it reports the next send on that producer, in its error state
        StreamsException abortable = new StreamsException("Error encountered trying to send record to topic "
                + "app-payback-ledger-store-changelog", new KafkaException("Cannot execute transactional method because "
                + "we are in an error state", new KafkaException("The client hasn't received acknowledgment for some "
                + "previously sent messages and can no longer retry them. It is safe to abort the transaction and "
                + "continue.")));
        assertThat(PaybackStreamsRunner.responseTo(abortable, false, blips()))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        // A topic that is gone is not an outage: replacing the thread would loop
        StreamsException missing = new StreamsException("Error encountered trying to send record to topic payback-status",
                new TimeoutException("Topic payback-status not present in metadata after 60000 ms."));
        assertThat(PaybackStreamsRunner.responseTo(missing, false, blips()))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        // The global thread cannot be replaced
        assertThat(PaybackStreamsRunner.responseTo(expired, true, blips()))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void refusedCredentialsAndBugsStopTheInstance() {
        assertThat(PaybackStreamsRunner.responseTo(failedReading(
                new SchemaRegistryException.Unauthorized("HTTP 401", URL, 401, -1)), false, blips()))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(PaybackStreamsRunner.responseTo(new StreamsException(new IllegalStateException("a bug")), false, blips()))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void theGlobalThreadCannotBeReplacedSoARegistryBlipThereStopsTheInstance() {
        assertThat(PaybackStreamsRunner.responseTo(failedReading(
                new SchemaRegistryException.Unavailable("unreachable", URL, -1, null)), true, blips()))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void replacementsBackOffAndAreBoundedInTime() {
        // Given a clock that moves only when the test says so
        MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
        RegistryBlips blips = new RegistryBlips(clock);

        // Then the pauses double from 1 s (1, 2, 4, 8, 16, 32, then capped at 60 s), ten replacements in all ...
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < RegistryBlips.MAX_REPLACEMENTS; i++) {
            pauses.add(blips.nextReplacement().toSeconds());
        }
        assertThat(pauses).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L, 60L);
        // ... the eleventh within the 15 minutes stops the instance
        assertThat(blips.nextReplacement()).isNull();
        // ... and once the first ten are more than 15 minutes old the budget is back
        clock.now = clock.now.plus(RegistryBlips.WINDOW).plusSeconds(1);
        assertThat(blips.nextReplacement()).isEqualTo(Duration.ofSeconds(1));
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
