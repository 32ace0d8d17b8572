package io.carbonllm.payback.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
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
}
