package io.carbonllm.payback.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.schemas.registry.CompatibilityLevel;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class AvroSerializerTest {

    private final InMemorySchemaRegistryClient memory = new InMemorySchemaRegistryClient();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicInteger registrations = new AtomicInteger();
    private final AvroSerializer<VariantKey> serializer = new AvroSerializer<>(counting(), false);
    private final AvroDeserializer<VariantKey> deserializer = new AvroDeserializer<>(memory, VariantKey.class);

    @Test
    void aTopicsSchemaIdIsAskedForOnceAndEveryRecordRoundTrips() {
        VariantKey first = new VariantKey("support", "llama-8b");
        VariantKey second = new VariantKey("triage", "llama-70b-with-a-much-longer-model-name");

        byte[] a = serializer.serialize("t", first);
        byte[] b = serializer.serialize("t", second);

        assertThat(registrations).hasValue(1);
        assertThat(deserializer.deserialize("t", a)).isEqualTo(first);
        assertThat(deserializer.deserialize("t", b)).isEqualTo(second);
        // the wire format: magic byte 0, then the id of subject t-value
        assertThat(a[0]).isZero();
        assertThat(java.nio.ByteBuffer.wrap(a, 1, 4).getInt()).isEqualTo(memory.lookup("t-value",
                VariantKey.getClassSchema()));
    }

    @Test
    void aRegistryDownAfterTheFirstRecordDoesNotStopATopicItKnowsButStopsANewOne() {
        // Given a record written to topic t while the registry was up
        serializer.serialize("t", new VariantKey("support", "llama-8b"));

        // When the registry goes down
        down.set(true);

        // Then t's records still serialize (its id is known, as in any Confluent-compatible serializer)
        assertThat(serializer.serialize("t", new VariantKey("support", "llama-70b"))).isNotEmpty();
        // and a topic it has not seen needs the registry, and says so
        assertThatThrownBy(() -> serializer.serialize("u", new VariantKey("support", "llama-70b")))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("subject 'u-value'")
                .hasMessageContaining("registry down");
    }

    @Test
    void aLargeRecordAfterASmallOneIsWrittenWhole() {
        String longName = "m".repeat(100_000);
        serializer.serialize("t", new VariantKey("uc", "small"));
        byte[] large = serializer.serialize("t", new VariantKey("uc", longName));
        byte[] small = serializer.serialize("t", new VariantKey("uc", "small-again"));

        assertThat(deserializer.deserialize("t", large).getModelId()).isEqualTo(longName);
        assertThat(deserializer.deserialize("t", small).getModelId()).isEqualTo("small-again");
    }

    /** The in-memory registry, counting registrations, and failing while {@link #down}. */
    private SchemaRegistryClient counting() {
        return new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                requireUp();
                registrations.incrementAndGet();
                return memory.register(subject, schema);
            }

            @Override
            public int lookup(String subject, Schema schema) {
                requireUp();
                return memory.lookup(subject, schema);
            }

            @Override
            public Schema schemaById(int id) {
                requireUp();
                return memory.schemaById(id);
            }

            @Override
            public boolean isCompatible(String subject, Schema schema) {
                requireUp();
                return memory.isCompatible(subject, schema);
            }

            @Override
            public void setCompatibility(String subject, CompatibilityLevel level) {
                memory.setCompatibility(subject, level);
            }

            @Override
            public Optional<CompatibilityLevel> compatibility(String subject) {
                return memory.compatibility(subject);
            }

            @Override
            public List<String> subjects() {
                return memory.subjects();
            }

            @Override
            public String describe() {
                return "counting " + memory.describe();
            }

            private void requireUp() {
                if (down.get()) {
                    throw new SchemaRegistryException("registry down", describe(), 503, -1, null);
                }
            }
        };
    }
}
