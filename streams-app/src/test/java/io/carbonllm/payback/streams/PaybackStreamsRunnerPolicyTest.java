package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.schemas.serde.WireFormatException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

/** The uncaught-exception policy: a registry blip replaces the thread; anything else stops the instance. */
class PaybackStreamsRunnerPolicyTest {

    private static final String URL = "http://registry:8081/schemas/ids/7";

    private static StreamsException failedReading(Throwable cause) {
        return new StreamsException("Deserialization exception handler is set to fail upon a deserialization error",
                new WireFormatException("Cannot fetch schema id 7", cause));
    }

    @Test
    void anUnreachableOrThrottlingRegistryReplacesTheThread() {
        assertThat(PaybackStreamsRunner.responseTo(failedReading(
                new SchemaRegistryException.Unavailable("HTTP 429 (throttled)", URL, 429, null))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(PaybackStreamsRunner.responseTo(failedReading(
                new SchemaRegistryException.Unavailable("unreachable", URL, -1, null))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void refusedCredentialsAndBugsStopTheInstance() {
        assertThat(PaybackStreamsRunner.responseTo(failedReading(
                new SchemaRegistryException.Unauthorized("HTTP 401", URL, 401, -1))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(PaybackStreamsRunner.responseTo(new StreamsException(new IllegalStateException("a bug"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
