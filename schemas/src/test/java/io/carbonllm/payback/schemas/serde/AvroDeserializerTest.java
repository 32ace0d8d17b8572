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
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            STRING | String length 2147483639 exceeds maximum allowed
            BYTES  | Bytes length 2147483639 exceeds maximum allowed
            ARRAY  | Collection length 2147483639 exceeds the maximum allowed of 1000000
            MAP    | Collection length 2147483639 exceeds the maximum allowed of 1000000
            """)
    void aBodyDeclaringALengthOfAbout2To31FailsAtTheDeserializersLimitWithoutAllocating(LengthBombs.Kind kind,
                                                                                         String limit) {
        // Given a valid header and a body valid up to one field, which declares 2^31 - 9 bytes or items (the most Avro
        // would allocate by itself: 2 GB for a string or bytes, 8 GB of references for an array or map, more than this
        // JVM's heap), followed by three bytes
        LengthBombs.Bomb bomb = LengthBombs.of(kind, registry);

        // When it is read, then it is a bad body like any other, and the cause is the deserializer's limit (16 MiB per
        // string or bytes, a million items per collection), not an allocation that failed or Avro's own 2^31 - 9 cap:
        // no OutOfMemoryError, and nothing allocated for the declared length
        assertThatThrownBy(() -> deserializerFor(bomb.readerType()).deserialize("t", bomb.bytes()))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("Cannot decode the Avro body of a record on topic 't'")
                .hasRootCauseInstanceOf(SystemLimitException.class)
                .rootCause().hasMessage(limit);
    }

    private <T extends SpecificRecord> AvroDeserializer<T> deserializerFor(Class<T> type) {
        return new AvroDeserializer<>(registry, type);
    }
}
