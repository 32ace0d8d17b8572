package io.carbonllm.payback.sdk;

/** Why an event recorded with {@link PaybackTracker} was not delivered. */
public enum DropCause {
    /** The queue was full ({@link OverflowPolicy} says which event went). */
    QUEUE_FULL,
    /**
     * The on-disk spool was full (the broker away for longer than it holds) or could not be written: the newest event
     * went.
     */
    SPOOL_FULL,
    /** Written to the on-disk spool but not readable back (a segment damaged after it was written): lost. */
    SPOOL_DAMAGED,
    /** The event could not be serialized for a reason of its own (the registry refused its schema, say). */
    SERIALIZATION,
    /** Kafka refused it for good (a record too large, an authorization error): retrying would not help. */
    DELIVERY_FAILED,
    /** Still queued or in flight when {@link PaybackTracker#close(java.time.Duration)} ran out of time. */
    NOT_DELIVERED_AT_CLOSE,
    /** Recorded after the tracker was closed. */
    CLOSED
}
