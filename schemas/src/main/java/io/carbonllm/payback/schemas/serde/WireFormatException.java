package io.carbonllm.payback.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Bytes that are not a valid Confluent wire-format Avro record, or a registry lookup that failed for them. */
public class WireFormatException extends SerializationException {

    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
