package io.carbonllm.payback.schemas.serde;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Length bombs, for tests here and in other modules (through the test-jar): Confluent wire-format records with a valid
 * header and a body that is valid up to one field, where it declares a string, bytes, array or map of
 * {@value #LENGTH} bytes or items, followed by a few bytes and nothing more.
 *
 * <p>{@value #LENGTH} (2^31 - 9) is the largest length Avro allocates by itself: it refuses anything longer without
 * help. So only the deserializer's own limits ({@code AvroLimits}) stand between such a record and a 2 GB (bytes,
 * string) or 8 GB (array, map) allocation.
 */
public final class LengthBombs {

    public static final long LENGTH = Integer.MAX_VALUE - 8;
    /** What follows the declared length: three bytes of the "body". */
    private static final byte[] TAIL = {'a', 'b', 'c'};

    /** Which length the body declares. */
    public enum Kind {
        /** {@code InferenceEvent.eventId}, its first field. */
        STRING,
        /**
         * {@code eventId} again, written as bytes: a writer schema that declares it {@code bytes} is a legal promotion
         * to the reader's {@code string}, so a registry accepts it under BACKWARD and FULL.
         */
        BYTES,
        /** {@code ComparisonDefinition.candidates}, after three valid strings. */
        ARRAY,
        /** {@code InferenceEvent.attributes}, its last field, after seventeen valid ones. */
        MAP
    }

    /** A bomb, with the generated class it is read as. */
    public record Bomb(Kind kind, Class<? extends SpecificRecord> readerType, byte[] bytes) {
    }

    private LengthBombs() {
    }

    /** Registers the bomb's writer schema under a subject of its own in {@code registry}, and builds the bytes. */
    public static Bomb of(Kind kind, SchemaRegistryClient registry) {
        String subject = "length-bomb-" + kind.name().toLowerCase(Locale.ROOT) + "-value";
        return switch (kind) {
            case STRING -> new Bomb(kind, InferenceEvent.class,
                    bomb(registry.register(subject, InferenceEvent.getClassSchema()), new byte[0]));
            case BYTES -> new Bomb(kind, InferenceEvent.class,
                    bomb(registry.register(subject, eventIdAsBytes()), new byte[0]));
            case ARRAY -> new Bomb(kind, ComparisonDefinition.class,
                    bomb(registry.register(subject, ComparisonDefinition.getClassSchema()), fieldsBefore(
                            ComparisonDefinition.newBuilder().setComparisonId("cmp-1").setUseCase("uc")
                                    .setBaselineModel("m").setCandidates(List.of()).build(), "candidates")));
            case MAP -> new Bomb(kind, InferenceEvent.class,
                    bomb(registry.register(subject, InferenceEvent.getClassSchema()), fieldsBefore(
                            InferenceEvent.newBuilder().setEventId("e-1").setEventTime(Instant.EPOCH).setGateway("gw")
                                    .setUseCase("uc").setModelId("m").setInputTokens(1).setOutputTokens(1)
                                    .setSuccess(true).build(), "attributes")));
        };
    }

    /** Magic byte, the id as 4 big-endian bytes, {@code prefix}, the length as Avro writes a long, then the tail. */
    private static byte[] bomb(int schemaId, byte[] prefix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(WireFormat.MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
        out.writeBytes(prefix);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            encoder.writeLong(LENGTH);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.writeBytes(TAIL);
        return out.toByteArray();
    }

    /** The Avro binary encoding of the fields of {@code record} that come before {@code field}. */
    private static byte[] fieldsBefore(SpecificRecordBase record, String field) {
        Schema schema = record.getSchema();
        Schema.Field target = schema.getField(field);
        if (target == null) {
            throw new IllegalArgumentException(schema.getName() + " has no field '" + field + "'");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            for (Schema.Field f : schema.getFields().subList(0, target.pos())) {
                new SpecificDatumWriter<>(f.schema(), record.getSpecificData()).write(record.get(f.pos()), encoder);
            }
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** InferenceEvent with eventId declared {@code bytes}. */
    private static Schema eventIdAsBytes() {
        Schema current = InferenceEvent.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream()
                .map(f -> new Schema.Field(f, f.name().equals("eventId") ? Schema.create(Schema.Type.BYTES) : f.schema()))
                .toList();
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }
}
