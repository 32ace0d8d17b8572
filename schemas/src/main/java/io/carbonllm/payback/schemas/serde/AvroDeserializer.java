package io.carbonllm.payback.schemas.serde;

import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format bytes into a SpecificRecord. The writer schema is fetched by id (and cached) and
 * resolved against the reader schema, so records written with an older compatible schema read correctly.
 *
 * <p>Failures are {@link WireFormatException}s (Kafka {@code SerializationException}s) that name the topic and id.
 * A registry that cannot be reached surfaces with a {@link SchemaRegistryException.Unavailable} cause, so that error
 * handlers can tell a transient outage from a bad record. A body that declares an absurd string, bytes, array or map
 * length fails like any other bad body, without allocating it ({@link AvroLimits}).
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        AvroLimits.apply();
    }

    private final Schema readerSchema;
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

    /**
     * For Kafka's class-name instantiation: the reader class is the generated class named like the writer schema.
     */
    public AvroDeserializer() {
        this.readerSchema = null;
    }

    public AvroDeserializer(SchemaRegistryClient client, Class<T> type) {
        this.client = client;
        this.readerSchema = SpecificData.get().getSchema(type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (client == null) {
            client = RegistryClients.fromConfigs(configs);
            ownsClient = true;
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            if (data.length > 0 && data[0] != WireFormat.MAGIC_BYTE) {
                throw new UnknownMagicByteException(topic, data[0]);
            }
            throw new WireFormatException("Record on topic '" + topic + "' is " + data.length
                    + " bytes long: too short for the Confluent wire format (magic byte and 4-byte schema id)");
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw new UnknownMagicByteException(topic, data[0]);
        }
        int id = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
        SpecificDatumReader<T> reader = readers.get(id);
        if (reader == null) {
            reader = readerFor(topic, id);
            readers.putIfAbsent(id, reader);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get()
                    .binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("Cannot decode the Avro body of a record on topic '" + topic
                    + "' with schema id " + id + ": " + e, e);
        }
    }

    private SpecificDatumReader<T> readerFor(String topic, int id) {
        if (client == null) {
            throw new IllegalStateException("AvroDeserializer has no registry client: construct it with one or call configure()");
        }
        Schema writer;
        try {
            writer = client.schemaById(id);
        } catch (SchemaRegistryException e) {
            String what = e instanceof SchemaRegistryException.NotFound ? "Unknown schema id " : "Cannot fetch schema id ";
            throw new WireFormatException(what + id + " in a record on topic '" + topic + "' from registry "
                    + client.describe() + " (HTTP " + e.status() + "): " + e.getMessage(), e);
        }
        Schema reader = readerSchema;
        if (reader == null) {
            Class<?> type = SpecificData.get().getClass(writer);
            if (type == null) {
                throw new WireFormatException("No generated class for writer schema " + writer.getFullName()
                        + " (id " + id + ") on topic '" + topic + "': construct the deserializer with the reader class");
            }
            reader = SpecificData.get().getSchema(type);
        }
        return new SpecificDatumReader<>(writer, reader);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
