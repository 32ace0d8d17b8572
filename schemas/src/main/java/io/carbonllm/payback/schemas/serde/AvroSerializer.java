package io.carbonllm.payback.schemas.serde;

import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a SpecificRecord in the Confluent wire format under the TopicNameStrategy subject.
 *
 * <p>By default the record's schema is registered on first use ({@value #AUTO_REGISTER_CONFIG}); with
 * auto-registration off it must already be registered, and is only looked up. Ids are cached per (subject, schema),
 * and the last per topic is found without building the subject.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    public static final String AUTO_REGISTER_CONFIG = "auto.register.schemas";

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister = true;
    private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
    /** Per topic, the schema last written to it and its id. */
    private final Map<String, Registered> lastByTopic = new ConcurrentHashMap<>();

    private record Registered(Schema schema, int id) {
    }

    /**
     * A thread's output buffer and encoder, reused for every record it serializes: a record is copied out once, and
     * a buffer that grew for a large record (a ledger) does not grow again from scratch for the next.
     */
    private static final class Buffer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        BinaryEncoder encoder;
    }

    /** A buffer grown past this is dropped after its record. */
    private static final int MAX_KEPT_BUFFER = 64 * 1024;

    private static final ThreadLocal<Buffer> BUFFER = ThreadLocal.withInitial(Buffer::new);

    /** For Kafka's class-name instantiation: {@link #configure} builds the client from {@code schema.registry.url}. */
    public AvroSerializer() {
    }

    public AvroSerializer(SchemaRegistryClient client, boolean isKey) {
        this.client = client;
        this.isKey = isKey;
    }

    public AvroSerializer<T> autoRegister(boolean autoRegister) {
        this.autoRegister = autoRegister;
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        Object auto = configs.get(AUTO_REGISTER_CONFIG);
        if (auto != null) {
            this.autoRegister = Boolean.parseBoolean(auto.toString());
        }
        if (client == null) {
            client = RegistryClients.fromConfigs(configs);
            ownsClient = true;
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("AvroSerializer has no registry client: construct it with one or call configure()");
        }
        Schema schema = data.getSchema();
        int id = idOf(topic, schema);
        Buffer buffer = BUFFER.get();
        buffer.out.reset();
        buffer.out.write(WireFormat.MAGIC_BYTE);
        buffer.out.write(id >>> 24);
        buffer.out.write(id >>> 16);
        buffer.out.write(id >>> 8);
        buffer.out.write(id);
        try {
            buffer.encoder = EncoderFactory.get().directBinaryEncoder(buffer.out, buffer.encoder);
            writers.computeIfAbsent(schema, SpecificDatumWriter::new).write(data, buffer.encoder);
            buffer.encoder.flush();
            return buffer.out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("Cannot encode " + schema.getFullName() + " for topic '" + topic + "': "
                    + e.getMessage(), e);
        } finally {
            if (buffer.out.size() > MAX_KEPT_BUFFER) {
                BUFFER.remove(); // a rare large record does not pin its buffer to the thread
            }
        }
    }

    /**
     * The schema id for this topic's subject: the last one this serializer got for the topic when the schema is the
     * same object (a SpecificRecord class has one), else the client's (which caches per subject and schema).
     */
    private int idOf(String topic, Schema schema) {
        Registered last = lastByTopic.get(topic);
        if (last != null && last.schema() == schema) {
            return last.id();
        }
        String subject = WireFormat.subject(topic, isKey);
        int id;
        try {
            id = autoRegister ? client.register(subject, schema) : client.lookup(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new WireFormatException("Cannot " + (autoRegister ? "register" : "look up") + " schema "
                    + schema.getFullName() + " under subject '" + subject + "': " + e.getMessage(), e);
        }
        lastByTopic.put(topic, new Registered(schema, id));
        return id;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
