package io.carbonllm.payback.sdk.internal;

import org.apache.avro.specific.SpecificRecord;

/** One record waiting to be sent: where, under which key, what, and when it was recorded ({@link System#nanoTime}). */
public record Outgoing(String topic, String key, SpecificRecord value, long recordedNanos) {
}
