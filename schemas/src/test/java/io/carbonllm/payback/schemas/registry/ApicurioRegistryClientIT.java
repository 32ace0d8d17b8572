package io.carbonllm.payback.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.schemas.serde.WireFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client and serdes against the real Apicurio Registry, through its Confluent-compatible API. */
class ApicurioRegistryClientIT {

    @TempDir
    static Path workDir;
    private static ApicurioRegistry server;
    private static HttpSchemaRegistryClient client;

    private static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Sample","namespace":"it","fields":[{"name":"a","type":"string"}]}""");
    private static final Schema V2_COMPATIBLE = new Schema.Parser().parse("""
            {"type":"record","name":"Sample","namespace":"it","fields":[{"name":"a","type":"string"},
             {"name":"b","type":["null","int"],"default":null}]}""");
    private static final Schema V2_INCOMPATIBLE = new Schema.Parser().parse("""
            {"type":"record","name":"Sample","namespace":"it","fields":[{"name":"a","type":"string"},
             {"name":"c","type":"int"}]}""");

    @BeforeAll
    static void startRegistry() {
        server = ApicurioRegistry.inMemory(Ports.findFree(), workDir).start();
        client = new HttpSchemaRegistryClient(server.confluentApiUrl());
    }

    @AfterAll
    static void stopRegistry() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void registeringReturnsAnIdAndTheSameSchemaKeepsItsId() {
        int id = client.register("it-register-value", V1);
        // A fresh client has no cache, so the registry itself must answer with the same id.
        int again = new HttpSchemaRegistryClient(server.confluentApiUrl()).register("it-register-value", V1);
        assertThat(id).isPositive();
        assertThat(again).isEqualTo(id);
        assertThat(client.subjects()).contains("it-register-value");
        assertThat(new HttpSchemaRegistryClient(server.confluentApiUrl()).lookup("it-register-value", V1)).isEqualTo(id);
    }

    @Test
    void fetchingByIdReturnsTheRegisteredSchema() {
        int id = client.register("it-fetch-value", V2_COMPATIBLE);
        Schema fetched = new HttpSchemaRegistryClient(server.confluentApiUrl()).schemaById(id);
        assertThat(fetched).isEqualTo(V2_COMPATIBLE);
    }

    @Test
    void compatibilityIsCheckedAgainstTheLatestVersion() {
        client.register("it-compat-value", V1);
        assertThat(client.isCompatible("it-compat-value", V2_COMPATIBLE)).isTrue();
        assertThat(client.isCompatible("it-compat-value", V2_INCOMPATIBLE)).isFalse();
        assertThat(client.isCompatible("it-never-registered-value", V1)).isTrue();
    }

    @Test
    void aSubjectsLevelIsSetBeforeItsFirstVersionAndReadBack() {
        // Given a level set on a subject that has no version yet (as the app does for its input topics at start-up)
        client.setCompatibility("it-level-value", CompatibilityLevel.FULL_TRANSITIVE);

        // Then a fresh client reads it back, and the registry enforces it: both ways, so an older reader still reads
        HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(server.confluentApiUrl());
        assertThat(fresh.compatibility("it-level-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        fresh.register("it-level-value", V1);
        assertThat(fresh.register("it-level-value", V2_COMPATIBLE)).isPositive();
        assertThatThrownBy(() -> fresh.register("it-level-value", V2_INCOMPATIBLE))
                .isInstanceOf(SchemaRegistryException.Incompatible.class)
                .hasMessageContaining("subject 'it-level-value'");
    }

    @Test
    void fullTransitiveChecksEveryVersionWhereFullChecksOnlyTheLatest() {
        // Given v1 {a}, v2 {a with a default}, and v3 {c optional}: v3 is FULL compatible with v2 (whose readers default
        // a) but not with v1, whose readers need a
        Schema v1 = sample("{\"name\":\"a\",\"type\":\"string\"}");
        Schema v2 = sample("{\"name\":\"a\",\"type\":\"string\",\"default\":\"x\"}");
        Schema v3 = sample("{\"name\":\"c\",\"type\":[\"null\",\"int\"],\"default\":null}");
        client.setCompatibility("it-full-value", CompatibilityLevel.FULL);
        client.setCompatibility("it-transitive-value", CompatibilityLevel.FULL_TRANSITIVE);
        for (String subject : new String[] {"it-full-value", "it-transitive-value"}) {
            client.register(subject, v1);
            client.register(subject, v2);
        }

        // Then FULL takes v3, and FULL_TRANSITIVE, the level the app sets, refuses it
        assertThat(client.register("it-full-value", v3)).isPositive();
        assertThatThrownBy(() -> client.register("it-transitive-value", v3))
                .isInstanceOf(SchemaRegistryException.Incompatible.class);
    }

    @Test
    void aSubjectWithoutALevelOfItsOwnReportsTheGlobalOneAndAnUnknownSubjectNone() {
        client.register("it-global-level-value", V1);
        // Apicurio answers its global level (BACKWARD, set by the launcher) for a known subject with none of its own
        assertThat(client.compatibility("it-global-level-value")).contains(CompatibilityLevel.BACKWARD);
        // and 404 (40401) for a subject it does not know
        assertThat(client.compatibility("it-no-such-subject-value")).isEmpty();
    }

    @Test
    void anUnknownIdIsA404NamingTheUrlAndTheId() {
        assertThatThrownBy(() -> client.schemaById(987_654))
                .isInstanceOf(SchemaRegistryException.NotFound.class)
                .hasMessageContaining(server.confluentApiUrl() + "/schemas/ids/987654")
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("schema id 987654")
                .satisfies(e -> {
                    SchemaRegistryException ex = (SchemaRegistryException) e;
                    assertThat(ex.status()).isEqualTo(404);
                    assertThat(ex.errorCode()).isEqualTo(40403);
                });
    }

    @Test
    void anIncompatibleRegistrationIsA409NamingTheSubject() {
        client.register("it-conflict-value", V1);
        assertThatThrownBy(() -> client.register("it-conflict-value", V2_INCOMPATIBLE))
                .isInstanceOf(SchemaRegistryException.Incompatible.class)
                .hasMessageContaining("HTTP 409")
                .hasMessageContaining("subject 'it-conflict-value'")
                .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(409));
    }

    @Test
    void anUnreachableRegistryIsUnavailableAndNamesTheUrl() {
        String url = "http://127.0.0.1:" + Ports.findFree() + "/apis/ccompat/v7";
        assertThatThrownBy(() -> new HttpSchemaRegistryClient(url).schemaById(1))
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining(url + "/schemas/ids/1")
                .hasMessageContaining("unreachable");
    }

    private static Schema sample(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Sample\",\"namespace\":\"it\",\"fields\":["
                + fields + "]}");
    }

    @Test
    void serializerWritesTheConfluentWireFormatByteByByte() {
        // Given VariantKey{useCase:"ab", modelId:"c"} serialized as a key of topic "wire"
        byte[] bytes = new AvroSerializer<VariantKey>(client, true).serialize("wire", new VariantKey("ab", "c"));
        int id = client.lookup("wire-key", VariantKey.getClassSchema());

        // Then, by the spec: magic byte 0, the id as 4 big-endian bytes, then Avro binary:
        //   "ab" = zig-zag length 2 -> 0x04, 'a' 0x61, 'b' 0x62;  "c" = length 1 -> 0x02, 'c' 0x63
        byte[] expected = {0x00, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id,
                0x04, 0x61, 0x62, 0x02, 0x63};
        assertThat(bytes).containsExactly(expected);
    }

    @Test
    void bytesWrittenWithAnOlderSchemaReadWithTheCurrentReader() throws Exception {
        // Given an older InferenceEvent (v0: no taskId, provider, params, region, energy, attributes...) registered
        Schema v0 = new Schema.Parser().parse("""
                {"type":"record","name":"InferenceEvent","namespace":"io.carbonllm.payback.events","fields":[
                 {"name":"eventId","type":"string"},
                 {"name":"eventTime","type":{"type":"long","logicalType":"timestamp-millis"}},
                 {"name":"gateway","type":"string"},{"name":"useCase","type":"string"},{"name":"modelId","type":"string"},
                 {"name":"inputTokens","type":"long"},{"name":"outputTokens","type":"long"},
                 {"name":"success","type":"boolean"}]}""");
        int v0Id = client.register("it-evolution-value", v0);
        GenericRecord old = new GenericData.Record(v0);
        old.put("eventId", "e-1");
        old.put("eventTime", 1_700_000_000_000L);
        old.put("gateway", "gw");
        old.put("useCase", "uc");
        old.put("modelId", "m");
        old.put("inputTokens", 120L);
        old.put("outputTokens", 30L);
        old.put("success", true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (v0Id >>> 24), (byte) (v0Id >>> 16), (byte) (v0Id >>> 8), (byte) v0Id});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v0).write(old, encoder);
        encoder.flush();

        // When the current reader reads them
        InferenceEvent event = new AvroDeserializer<>(new HttpSchemaRegistryClient(server.confluentApiUrl()),
                InferenceEvent.class).deserialize("it-evolution", out.toByteArray());

        // Then the old fields carry over and the new ones take their defaults
        assertThat(event.getEventId()).isEqualTo("e-1");
        assertThat(event.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(event.getInputTokens()).isEqualTo(120L);
        assertThat(event.getCachedInputTokens()).isZero();
        assertThat(event.getTaskId()).isNull();
        assertThat(event.getRegion()).isNull();
        assertThat(event.getAttributes()).isEqualTo(Map.of());
        // And the v2 writer was registered as BACKWARD compatible with it
        assertThat(client.isCompatible("it-evolution-value", InferenceEvent.getClassSchema())).isTrue();
    }

    @Test
    void theDeserializerNamesTheIdWhenTheRegistryDoesNotKnowIt() {
        var deserializer = new AvroDeserializer<>(client, VariantKey.class);
        assertThatThrownBy(() -> deserializer.deserialize("wire", new byte[] {0, 0, 0x0f, 0x42, 0x3f, 2, 'x'}))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("Unknown schema id 999999")
                .hasMessageContaining(server.confluentApiUrl())
                .hasMessageContaining("HTTP 404");
    }
}
