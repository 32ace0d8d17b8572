package io.carbonllm.payback.streams.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.schemas.serde.WireFormatException;
import org.junit.jupiter.api.Test;

/**
 * A good record is never dead-lettered because the registry was unreachable, throttled us or refused our credentials:
 * those fail the task (the offset does not move); only an unknown schema id says something about the record.
 */
class DeadLetterDeserializationHandlerTest {

    private static final String URL = "http://registry:8081/schemas/ids/7";

    private static WireFormatException reading(SchemaRegistryException cause) {
        return new WireFormatException("Cannot fetch schema id 7 in a record on topic 'inference-events'", cause);
    }

    @Test
    void anUnknownSchemaIdIsTheRecordsFault() {
        assertThat(DeadLetterDeserializationHandler.isRegistryProblem(
                reading(new SchemaRegistryException.NotFound("no schema 7", URL, 404, 40403)))).isFalse();
    }

    @Test
    void refusedCredentialsThrottlingAndOutagesAreNotTheRecordsFault() {
        assertThat(DeadLetterDeserializationHandler.isRegistryProblem(
                reading(new SchemaRegistryException.Unauthorized("HTTP 401", URL, 401, -1)))).isTrue();
        assertThat(DeadLetterDeserializationHandler.isRegistryProblem(
                reading(new SchemaRegistryException.Unauthorized("HTTP 403", URL, 403, -1)))).isTrue();
        assertThat(DeadLetterDeserializationHandler.isRegistryProblem(
                reading(new SchemaRegistryException.Unavailable("HTTP 429 (throttled)", URL, 429, null)))).isTrue();
        assertThat(DeadLetterDeserializationHandler.isRegistryProblem(
                reading(new SchemaRegistryException.Unavailable("unreachable", URL, -1, null)))).isTrue();
    }

    @Test
    void bytesThatAreNotTheWireFormatAreTheRecordsFault() {
        assertThat(DeadLetterDeserializationHandler.isRegistryProblem(
                new WireFormatException("Record on topic 'inference-events' is 3 bytes", null))).isFalse();
    }
}
