package io.carbonllm.payback.schemas.serde;

import org.apache.avro.SystemLimitException;

/**
 * Caps what a record can make Avro allocate. A valid wire-format header followed by a string, bytes, array or map
 * length of about 2^31 would otherwise make the decoder allocate gigabytes before it noticed the body is a few bytes
 * long: a few bytes from a producer must never take the app's heap. No Kafka record is larger than the broker's
 * message size (1 MB by default), so the caps below cannot reject a record that could exist. A value the JVM was
 * started with ({@code -Dorg.apache.avro.limits...}) wins. Avro reads these once, when it first checks a limit, so the
 * deserializer sets them when it is loaded, before any decoding.
 */
final class AvroLimits {

    /** 16 MiB: 16 times Kafka's default maximum message size. */
    static final int MAX_STRING_OR_BYTES = 16 * 1024 * 1024;
    /** Items in one array or map: far above what the tracker's records hold (a ledger keeps under 2,000 windows). */
    static final int MAX_COLLECTION_ITEMS = 1_000_000;

    private AvroLimits() {
    }

    static void apply() {
        setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_STRING_OR_BYTES);
        setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_STRING_OR_BYTES);
        setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION_ITEMS);
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
