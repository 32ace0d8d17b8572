package io.carbonllm.payback.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantWindow;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The evolution guard: every schema we publish must read data written with each released version (BACKWARD, the
 * registry's default). Released versions live in src/test/resources/released; add the new file at each release.
 */
class SchemaEvolutionGuardTest {

    static Stream<Arguments> releasedVersions() {
        return Stream.of(
                Arguments.of(InferenceEvent.getClassSchema(), "released/InferenceEvent-0.1.0.avsc"),
                Arguments.of(VariantWindow.getClassSchema(), "released/VariantWindow-0.1.0.avsc"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("releasedVersions")
    void currentSchemaReadsEveryReleasedVersion(Schema current, String released) throws IOException {
        // Given a released writer schema
        Schema writer = load(released);
        // When the current schema reads it
        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, writer);
        // Then nothing is incompatible
        assertThat(result.getResult().getIncompatibilities()).isEmpty();
        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void theGuardRejectsANewRequiredFieldWithoutDefault() throws IOException {
        // Given the released InferenceEvent, and a "next" version that adds a required field with no default
        Schema released = load("released/InferenceEvent-0.1.0.avsc");
        Schema next = new Schema.Parser().parse(released.toString().replace(
                "\"fields\":[", "\"fields\":[{\"name\":\"tenant\",\"type\":\"string\"},"));
        // When it reads data written with the released version
        var result = SchemaCompatibility.checkReaderWriterCompatibility(next, released);
        // Then the guard reports it, naming the field
        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities()).extracting(i -> i.getMessage())
                .anySatisfy(message -> assertThat(message).contains("tenant"));
    }

    @Test
    void optionalFieldsDefaultToNullSoTheyCanBeDroppedOrAddedLater() {
        // Given the contract's optional fields
        List<String> optional = List.of("taskId", "provider", "activeParamsB", "totalParamsB", "errorType",
                "latencyMs", "region", "meteredEnergyWh");
        // Then each is a union with null first and a null default
        for (String name : optional) {
            Schema.Field field = InferenceEvent.getClassSchema().getField(name);
            assertThat(field).as(name).isNotNull();
            assertThat(field.schema().getType()).as(name).isEqualTo(Schema.Type.UNION);
            assertThat(field.schema().getTypes().get(0).getType()).as(name).isEqualTo(Schema.Type.NULL);
            assertThat(field.hasDefaultValue()).as(name).isTrue();
            assertThat(field.defaultVal()).as(name).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        }
    }

    private static Schema load(String resource) throws IOException {
        try (InputStream in = SchemaEvolutionGuardTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }
}
