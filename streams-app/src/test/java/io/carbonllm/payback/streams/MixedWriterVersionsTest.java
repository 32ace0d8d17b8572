package io.carbonllm.payback.streams;

import static io.carbonllm.payback.streams.TopologyFixture.BASELINE;
import static io.carbonllm.payback.streams.TopologyFixture.USE_CASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.schemas.registry.CompatibilityLevel;
import io.carbonllm.payback.schemas.serde.WireFormat;
import io.carbonllm.payback.streams.topics.ContractCompatibility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producers upgrade one at a time, so one partition of inference-events holds records written with several versions
 * of InferenceEvent under the one subject. The app reads each with its writer's schema (fetched by the id in the
 * record) resolved against its own, and counts them all. Windows of 60 s with 30 s grace; the driver starts at the
 * epoch.
 */
class MixedWriterVersionsTest {

    private static final long S = 1_000L;
    private static final String SUBJECT = WireFormat.subject("inference-events", false);

    /** An older producer: only the fields without a default (no task id, provider, cached tokens, region ...). */
    private static final Schema V0 = v0();
    /** This release's schema: what the production serializer writes. */
    private static final Schema V1 = InferenceEvent.getClassSchema();
    /** A newer producer: this release's schema plus an optional gatewayVersion after gateway, defaulting to null. */
    private static final Schema V2 = v2();

    @TempDir
    Path stateDir;
    private TopologyFixture fx;

    @BeforeEach
    void setUp() {
        fx = new TopologyFixture(stateDir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void eventsFromOlderAndNewerWritersOnOnePartitionAreAllCounted() throws IOException {
        // Given the subject at the level the app sets at start-up, and the three writers registered in the order they
        // were released: each is accepted under FULL_TRANSITIVE, and each has its own id
        ContractCompatibility.apply(fx.registry, fx.topics);
        assertThat(fx.registry.compatibility(SUBJECT)).contains(CompatibilityLevel.FULL_TRANSITIVE);
        int v0 = fx.registry.register(SUBJECT, V0);
        int v1 = fx.registry.register(SUBJECT, V1);
        int v2 = fx.registry.register(SUBJECT, V2);
        assertThat(List.of(v0, v1, v2)).doesNotHaveDuplicates();

        // When six events of one window arrive on the partition, the writers interleaved
        fx.pipe(fx.event(BASELINE, 1 * S, 100, 10, true));                 // v1, stream time 1 s, window [0, 60)
        pipe(v2, V2, event(V2, "e-2", 2 * S, 200, 20, true)                // v2, stream time 2 s, window [0, 60)
                .set("gatewayVersion", "2.0").set("cachedInputTokens", 50L));
        pipe(v0, V0, event(V0, "e-3", 3 * S, 300, 30, true));              // v0, stream time 3 s, window [0, 60)
        pipe(v2, V2, event(V2, "e-4", 4 * S, 400, 40, false)               // v2, stream time 4 s, window [0, 60)
                .set("errorType", "timeout"));
        fx.pipe(fx.event(BASELINE, 5 * S, 500, 50, false));                // v1, stream time 5 s, window [0, 60)
        pipe(v0, V0, event(V0, "e-6", 6 * S, 600, 60, true));              // v0, stream time 6 s, window [0, 60)

        // Then nothing was dead-lettered, and window [0, 60) counts all six:
        //   requests  = 6;  successes = e1, e2, e3, e6 = 4;  failures = e4, e5 = 2
        //   input     = 100 + 200 + 300 + 400 + 500 + 600 = 2100;  output = 10 + 20 + 30 + 40 + 50 + 60 = 210
        //   cached    = 50 (e2 only: v0 cannot write it, and the v1 events leave it at 0)
        //   tokens per successful task = (2100 + 210) / 4 = 577.5;  success rate = 4 / 6
        assertThat(fx.deadLetters.isEmpty()).isTrue();
        VariantStats stored = fx.storedWindow(BASELINE, 0);
        assertThat(stored.getRequests()).isEqualTo(6);
        assertThat(stored.getSuccesses()).isEqualTo(4);
        assertThat(stored.getFailures()).isEqualTo(2);
        assertThat(stored.getInputTokens()).isEqualTo(2100);
        assertThat(stored.getOutputTokens()).isEqualTo(210);
        assertThat(stored.getCachedInputTokens()).isEqualTo(50);
        List<VariantWindow> results = fx.variantWindows.readValuesToList();
        VariantWindow latest = results.get(results.size() - 1);
        assertThat(latest.getUseCase()).isEqualTo(USE_CASE);
        assertThat(latest.getRequests()).isEqualTo(6);
        assertThat(latest.getSuccesses()).isEqualTo(4);
        assertThat(latest.getInputTokens()).isEqualTo(2100);
        assertThat(latest.getOutputTokens()).isEqualTo(210);
        assertThat(latest.getTokensPerSuccessfulTask()).isEqualTo(577.5);
        assertThat(latest.getSuccessRate()).isCloseTo(4.0 / 6.0, within(1e-12));
    }

    /** A record of {@code schema} with the fields every version has; the rest take their defaults. */
    private static Builder event(Schema schema, String id, long epochMillis, long in, long out, boolean success) {
        return new Builder(schema)
                .set("eventId", id).set("eventTime", epochMillis).set("gateway", "gw-test").set("useCase", USE_CASE)
                .set("modelId", BASELINE).set("inputTokens", in).set("outputTokens", out).set("success", success);
    }

    /** Writes {@code record} as a producer on that version would: Confluent wire format with its schema's id. */
    private void pipe(int id, Schema schema, Builder record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {WireFormat.MAGIC_BYTE, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record.build(), encoder);
        encoder.flush();
        fx.rawEvents.pipeInput(USE_CASE.getBytes(StandardCharsets.UTF_8), out.toByteArray());
    }

    private static Schema v0() {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : InferenceEvent.getClassSchema().getFields()) {
            if (!f.hasDefaultValue()) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        return record(fields);
    }

    private static Schema v2() {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : InferenceEvent.getClassSchema().getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
            if (f.name().equals("gateway")) {
                fields.add(new Schema.Field("gatewayVersion", Schema.createUnion(Schema.create(Schema.Type.NULL),
                        Schema.create(Schema.Type.STRING)), "The gateway's release.", JsonProperties.NULL_VALUE));
            }
        }
        return record(fields);
    }

    private static Schema record(List<Schema.Field> fields) {
        Schema current = InferenceEvent.getClassSchema();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** A generic record filled field by field; fields left unset take their schema default. */
    private static final class Builder {
        private final GenericData.Record record;

        Builder(Schema schema) {
            record = new GenericData.Record(schema);
            for (Schema.Field f : schema.getFields()) {
                if (f.hasDefaultValue()) {
                    record.put(f.pos(), GenericData.get().getDefaultValue(f));
                }
            }
        }

        Builder set(String field, Object value) {
            if (record.getSchema().getField(field) == null) {
                throw new IllegalArgumentException(record.getSchema().getName() + " has no field '" + field + "'");
            }
            record.put(field, value);
            return this;
        }

        GenericRecord build() {
            return record;
        }
    }
}
