package io.carbonllm.payback.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroDeserializerTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroDeserializer<VariantKey> deserializer = new AvroDeserializer<>(registry, VariantKey.class);

    @Test
    void aWrongMagicByteIsItsOwnError() {
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}))
                .isInstanceOf(UnknownMagicByteException.class)
                .hasMessageContaining("Unknown magic byte 0x01")
                .hasMessageContaining("topic 't'")
                .satisfies(e -> assertThat(((UnknownMagicByteException) e).magicByte()).isEqualTo(1));
    }

    @Test
    void tooShortBytesNameTheirLength() {
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0}))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("is 2 bytes long");
    }

    @Test
    void anUnknownSchemaIdNamesTheIdAndTheRegistry() {
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 9, 2, 'a'}))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("Unknown schema id 9")
                .hasMessageContaining("in-memory registry")
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void roundTripsThroughTheSerializer() {
        AvroSerializer<VariantKey> serializer = new AvroSerializer<>(registry, true);
        VariantKey key = new VariantKey("uc", "m");
        byte[] bytes = serializer.serialize("t", key);
        assertThat(deserializer.deserialize("t", bytes)).isEqualTo(key);
        assertThat(registry.subjects()).containsExactly("t-key");
    }

    @Test
    void aBodyDeclaringAHugeStringFailsWithoutAllocatingIt() throws IOException {
        // Given a valid header for VariantKey (its first field a string) and a body that is only a declared length of
        // 2,000,000,000 characters: 2 GB, more than the test JVM's heap
        int id = registry.register("t-key", VariantKey.getClassSchema());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(body, null);
        encoder.writeLong(2_000_000_000L);
        encoder.flush();
        byte[] bomb = ByteBuffer.allocate(5 + body.size()).put((byte) 0).putInt(id).put(body.toByteArray()).array();

        // Then it is a bad body like any other, named with the limit, and no 2 GB array was attempted
        assertThatThrownBy(() -> deserializer.deserialize("t", bomb))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("schema id " + id)
                .hasRootCauseInstanceOf(SystemLimitException.class);
        assertThat(System.getProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY))
                .isEqualTo(Integer.toString(AvroLimits.MAX_STRING_OR_BYTES));
    }
}
