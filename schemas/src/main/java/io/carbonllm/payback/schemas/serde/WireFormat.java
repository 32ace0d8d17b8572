package io.carbonllm.payback.schemas.serde;

/**
 * The Confluent wire format: byte 0 is the magic byte {@code 0x00}, bytes 1-4 are the schema id as a big-endian
 * int, and the rest is the Avro binary encoding of the record under that schema.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0x0;
    public static final int ID_SIZE = 4;
    public static final int HEADER_SIZE = 1 + ID_SIZE;

    private WireFormat() {
    }

    /** The TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
