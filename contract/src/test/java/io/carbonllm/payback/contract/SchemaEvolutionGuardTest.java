package io.carbonllm.payback.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.contract.SchemaEvolutionGuard.Rule;
import io.carbonllm.payback.events.InferenceEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The evolution guard ({@link SchemaEvolutionGuard}): the external contract is FULL compatible with every released
 * version, everything else BACKWARD compatible. Released versions live in src/test/resources/released as
 * {@code <Name>-<version>.avsc}; add the new files at each release.
 */
class SchemaEvolutionGuardTest {

    private static final String RELEASED = "released";

    static Stream<Arguments> releasedVersions() {
        return releasedFiles().stream().map(file -> {
            String base = file.substring(0, file.length() - ".avsc".length());
            int dash = base.lastIndexOf('-');
            return Arguments.of(base.substring(0, dash), base.substring(dash + 1));
        });
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("releasedVersions")
    void everyReleasedVersionPassesItsRule(String name, String version) throws IOException {
        // Given a released schema and this release's schema of the same name
        Schema released = load(name + "-" + version + ".avsc");
        Schema current = SchemaEvolutionGuard.CURRENT.get(name);
        assertThat(current).as("released/%s-%s.avsc names no schema of this release", name, version).isNotNull();
        // When the guard compares them under the schema's rule
        List<String> problems = SchemaEvolutionGuard.problems(name, version, released, current,
                SchemaEvolutionGuard.ruleFor(name));
        // Then nothing breaks
        assertThat(problems).as("%s against released %s (%s)", name, version, SchemaEvolutionGuard.ruleFor(name))
                .isEmpty();
    }

    @Test
    void everySchemaOfTheContractIsGuardedAgainstAReleasedVersion() {
        // Given the schema files of the contract (the test runs in the module's directory)
        Set<String> files;
        try (Stream<Path> avsc = Files.list(Path.of("src", "main", "avro"))) {
            files = avsc.map(p -> p.getFileName().toString().replace(".avsc", "")).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> released = releasedVersions().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        // Then the guard knows each of them, and each has at least one released version to be checked against
        assertThat(SchemaEvolutionGuard.CURRENT.keySet()).containsExactlyInAnyOrderElementsOf(files);
        assertThat(released).containsExactlyInAnyOrderElementsOf(files);
        // And the external contract is exactly what producers write
        assertThat(SchemaEvolutionGuard.EXTERNAL)
                .containsExactlyInAnyOrder("InferenceEvent", "ComparisonDefinition", "TrainingRun", "FactorUpdate");
    }

    @Test
    void aNewRequiredFieldWithoutADefaultFailsFullNamingTheSchemaTheVersionAndTheField() throws IOException {
        // Given the released InferenceEvent, and a next version that adds a required field with no default
        Schema released = load("InferenceEvent-0.1.0.avsc");
        Schema next = withField(released, 3, new Schema.Field("tenant", Schema.create(Schema.Type.STRING)));

        // When the guard compares them
        List<String> problems = SchemaEvolutionGuard.problems("InferenceEvent", "0.1.0", released, next, Rule.FULL);

        // Then it fails: the next version cannot read a released record, which has no tenant
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0))
                .startsWith("InferenceEvent 0.1.0: this release cannot read records written with 0.1.0: ")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("tenant");
    }

    @Test
    void droppingARequiredFieldPassesBackwardButFailsFullBecauseOlderAppsStillNeedIt() throws IOException {
        // Given a next InferenceEvent without gateway, a required field with no default
        Schema released = load("InferenceEvent-0.1.0.avsc");
        Schema next = withoutField(released, "gateway");

        // When the guard compares them under each rule
        List<String> backward = SchemaEvolutionGuard.problems("InferenceEvent", "0.1.0", released, next, Rule.BACKWARD);
        List<String> full = SchemaEvolutionGuard.problems("InferenceEvent", "0.1.0", released, next, Rule.FULL);

        // Then this release could read old records (it ignores their gateway) ...
        assertThat(backward).isEmpty();
        // ... but an app on 0.1.0 could not read the new ones, so the external contract refuses the change
        assertThat(full).singleElement().asString()
                .startsWith("InferenceEvent 0.1.0: an app on 0.1.0 cannot read records written with this release's schema: ")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                .contains("gateway");
    }

    @Test
    void anOptionalFieldWithANullDefaultPassesFull() throws IOException {
        // Given a next InferenceEvent with one more optional field, ["null", "string"] defaulting to null
        Schema released = load("InferenceEvent-0.1.0.avsc");
        Schema optional = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
        Schema next = withField(released, 3, new Schema.Field("gatewayVersion", optional, null, JsonProperties.NULL_VALUE));

        // Then both directions read
        assertThat(SchemaEvolutionGuard.problems("InferenceEvent", "0.1.0", released, next, Rule.FULL)).isEmpty();
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
            assertThat(field.defaultVal()).as(name).isEqualTo(JsonProperties.NULL_VALUE);
        }
    }

    /** {@code record} with {@code added} inserted at {@code position}. */
    private static Schema withField(Schema record, int position, Schema.Field added) {
        List<Schema.Field> fields = copyFields(record);
        fields.add(position, added);
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static Schema withoutField(Schema record, String name) {
        List<Schema.Field> fields = copyFields(record);
        fields.removeIf(f -> f.name().equals(name));
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static List<Schema.Field> copyFields(Schema record) {
        return record.getFields().stream().map(f -> new Schema.Field(f, f.schema()))
                .collect(Collectors.toCollection(java.util.ArrayList::new));
    }

    private static List<String> releasedFiles() {
        URL dir = SchemaEvolutionGuardTest.class.getClassLoader().getResource(RELEASED);
        assertThat(dir).as("test resource directory " + RELEASED).isNotNull();
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Schema load(String file) throws IOException {
        String resource = RELEASED + "/" + file;
        try (InputStream in = SchemaEvolutionGuardTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }
}
