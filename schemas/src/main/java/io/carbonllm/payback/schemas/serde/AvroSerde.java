package io.carbonllm.payback.schemas.serde;

import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A registry-backed Confluent wire-format serde for one SpecificRecord type. */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    public AvroSerde(SchemaRegistryClient client, Class<T> type, boolean isKey) {
        this.serializer = new AvroSerializer<>(client, isKey);
        this.deserializer = new AvroDeserializer<>(client, type);
    }

    public static <T extends SpecificRecord> AvroSerde<T> forValues(SchemaRegistryClient client, Class<T> type) {
        return new AvroSerde<>(client, type, false);
    }

    public static <T extends SpecificRecord> AvroSerde<T> forKeys(SchemaRegistryClient client, Class<T> type) {
        return new AvroSerde<>(client, type, true);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
