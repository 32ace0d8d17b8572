package io.carbonllm.payback.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro records as the API's JSON, and back, driven by the schema, so every field of the contract appears under its
 * Avro name without a hand-kept list. Out: a {@code ["null", T]} union is T or null, a {@code timestamp-millis} is an
 * ISO-8601 instant, a non-finite double is null (JSON has no NaN). In: the same, plus epoch milliseconds or a
 * {@code YYYY-MM-DD} date (midnight UTC) for an instant; a missing field takes its schema default; an unknown field, a
 * wrong type or a missing required field is a {@link FieldError} naming its path ({@code candidates[1].modelId}).
 */
public final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A field that could not be read, and why. */
    public record FieldError(String field, String message) {
        public String text() {
            return field + " " + message;
        }
    }

    private AvroJson() {
    }

    public static ObjectNode toJson(IndexedRecord record) {
        return (ObjectNode) toJson(record, record.getSchema());
    }

    public static JsonNode toJson(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                ObjectNode node = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    node.set(field.name(), toJson(record.get(field.pos()), field.schema()));
                }
                return node;
            }
            case UNION -> {
                List<Schema> branches = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).toList();
                if (branches.size() > 1) {
                    for (Schema branch : branches) {
                        if (GenericData.get().validate(branch, raw(value))) {
                            return toJson(value, branch);
                        }
                    }
                }
                return toJson(value, branches.get(0));
            }
            case ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (Collection<?>) value) {
                    array.add(toJson(item, schema.getElementType()));
                }
                return array;
            }
            case MAP -> {
                ObjectNode map = NODES.objectNode();
                ((Map<?, ?>) value).forEach((k, v) -> map.set(k.toString(), toJson(v, schema.getValueType())));
                return map;
            }
            case LONG -> {
                if (isTimestamp(schema)) {
                    Instant instant = value instanceof Instant i ? i : Instant.ofEpochMilli(((Number) value).longValue());
                    return NODES.textNode(instant.toString());
                }
                return NODES.numberNode(((Number) value).longValue());
            }
            case INT -> {
                return NODES.numberNode(((Number) value).intValue());
            }
            case DOUBLE, FLOAT -> {
                double d = ((Number) value).doubleValue();
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.nullNode();
            }
            case BOOLEAN -> {
                return NODES.booleanNode((Boolean) value);
            }
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            default -> {
                return NODES.textNode(value.toString());
            }
        }
    }

    /** Specific records carry Instants where the generic model validates longs. */
    private static Object raw(Object value) {
        return value instanceof Instant i ? i.toEpochMilli() : value;
    }

    private static boolean isTimestamp(Schema schema) {
        return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis;
    }

    /**
     * Reads {@code json} as a record of {@code type}. Every problem found is added to {@code errors}; the record is
     * returned only when there is none (else null).
     */
    public static <T extends SpecificRecord> T fromJson(JsonNode json, Class<T> type, Schema schema, List<FieldError> errors) {
        int before = errors.size();
        Object generic = read(json, schema, "", errors);
        if (errors.size() > before) {
            return null;
        }
        // Through Avro's binary form: the specific reader applies the generated class's logical-type conversions
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<Object>(schema).write(generic, encoder);
            encoder.flush();
            return new SpecificDatumReader<>(type).read(null,
                    DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object read(JsonNode node, Schema schema, String path, List<FieldError> errors) {
        String name = path.isEmpty() ? "body" : path;
        switch (schema.getType()) {
            case RECORD -> {
                if (!node.isObject()) {
                    errors.add(new FieldError(name, "must be a JSON object"));
                    return null;
                }
                GenericData.Record record = new GenericData.Record(schema);
                Set<String> known = new HashSet<>();
                for (Schema.Field field : schema.getFields()) {
                    known.add(field.name());
                    String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
                    JsonNode value = node.get(field.name());
                    if (value == null) {
                        if (field.hasDefaultValue()) {
                            record.put(field.pos(), GenericData.get().getDefaultValue(field));
                        } else {
                            errors.add(new FieldError(fieldPath, "is required"));
                        }
                    } else {
                        record.put(field.pos(), read(value, field.schema(), fieldPath, errors));
                    }
                }
                for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                    String field = names.next();
                    if (!known.contains(field)) {
                        errors.add(new FieldError(path.isEmpty() ? field : path + "." + field,
                                "is not a field of " + schema.getName()));
                    }
                }
                return record;
            }
            case UNION -> {
                if (node.isNull()) {
                    if (schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL)) {
                        return null;
                    }
                    errors.add(new FieldError(name, "must not be null"));
                    return null;
                }
                Schema branch = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst()
                        .orElseThrow();
                return read(node, branch, path, errors);
            }
            case ARRAY -> {
                if (!node.isArray()) {
                    errors.add(new FieldError(name, "must be a JSON array"));
                    return null;
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    items.add(read(node.get(i), schema.getElementType(), name + "[" + i + "]", errors));
                }
                return items;
            }
            case MAP -> {
                if (!node.isObject()) {
                    errors.add(new FieldError(name, "must be a JSON object"));
                    return null;
                }
                Map<String, Object> map = new LinkedHashMap<>();
                node.properties().forEach(e -> map.put(e.getKey(),
                        read(e.getValue(), schema.getValueType(), name + "." + e.getKey(), errors)));
                return map;
            }
            case STRING -> {
                if (!node.isTextual()) {
                    errors.add(new FieldError(name, "must be a string"));
                    return null;
                }
                return node.textValue();
            }
            case LONG -> {
                if (isTimestamp(schema)) {
                    return instant(node, name, errors);
                }
                if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                    errors.add(new FieldError(name, "must be an integer"));
                    return null;
                }
                return node.longValue();
            }
            case INT -> {
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    errors.add(new FieldError(name, "must be an integer between " + Integer.MIN_VALUE + " and "
                            + Integer.MAX_VALUE));
                    return null;
                }
                return node.intValue();
            }
            case DOUBLE, FLOAT -> {
                if (!node.isNumber()) {
                    errors.add(new FieldError(name, "must be a number"));
                    return null;
                }
                return schema.getType() == Schema.Type.FLOAT ? (Object) node.floatValue() : (Object) node.doubleValue();
            }
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    errors.add(new FieldError(name, "must be true or false"));
                    return null;
                }
                return node.booleanValue();
            }
            default -> {
                errors.add(new FieldError(name, "has a type the API does not read (" + schema.getType() + ")"));
                return null;
            }
        }
    }

    /** An ISO-8601 instant, a YYYY-MM-DD date (midnight UTC) or epoch milliseconds. */
    private static Long instant(JsonNode node, String name, List<FieldError> errors) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            String text = node.textValue();
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException e) {
                try {
                    return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                } catch (DateTimeParseException ignored) {
                    // reported below
                }
            }
        }
        errors.add(new FieldError(name, "must be an ISO-8601 instant (2026-11-27T09:00:00Z), a date (2026-11-27) "
                + "or epoch milliseconds, got " + node));
        return null;
    }
}
