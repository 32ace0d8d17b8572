package io.carbonllm.payback.streams.topics;

import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** A topic with the serdes of its keys and values: the one place both are decided. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }

    public Consumed<K, V> consumed(String processorName) {
        return Consumed.with(keySerde, valueSerde).withName(processorName);
    }

    public Produced<K, V> produced(String processorName) {
        return Produced.with(keySerde, valueSerde).withName(processorName);
    }

    /**
     * A sink for a stream of a supertype {@code S} whose processor routes only this topic's records here, by name
     * ({@code context.forward(record, processorName)}): the typed-children alternative to an {@code instanceof} split.
     */
    public <S> Produced<K, S> producedFrom(Class<V> type, String processorName) {
        Serializer<S> serializer = (topic, value) -> valueSerde.serializer().serialize(topic, type.cast(value));
        Deserializer<S> deserializer = (topic, bytes) -> {
            throw new UnsupportedOperationException("a sink serde does not deserialize");
        };
        return Produced.with(keySerde, Serdes.serdeFrom(serializer, deserializer)).withName(processorName);
    }
}
