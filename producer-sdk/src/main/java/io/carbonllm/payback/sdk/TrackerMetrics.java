package io.carbonllm.payback.sdk;

import java.util.Map;

/** What a {@link PaybackTracker} has done since it was built. Every getter is cheap and thread-safe. */
public interface TrackerMetrics {

    /** Events and runs accepted by {@code record} (queued). */
    long recorded();

    /** Acknowledged by Kafka ({@code acks=all}). */
    long sent();

    /** Not delivered, by cause. */
    Map<DropCause, Long> dropped();

    /** Drops for one cause; cheaper than {@link #dropped()} when one is wanted. */
    long dropped(DropCause cause);

    /** All drops. */
    long droppedTotal();

    /** Send attempts that failed and were retried (the broker away, metadata missing, the registry unreachable). */
    long sendRetries();

    /** Events waiting in the queue now. */
    int queueDepth();

    /** Events written to the on-disk spool: every event when it is on (a write-ahead log), 0 when it is off. */
    long spooled();

    /** Events in the on-disk spool now, not yet acknowledged by Kafka. */
    long spoolDepth();

    /** Bytes the on-disk spool's files take now. */
    long spoolBytes();

    /** Time from {@code record} to Kafka's acknowledgement, mean over acknowledged events, in microseconds. */
    double meanSendLatencyMicros();

    /**
     * The sum of those times over acknowledged events, in microseconds: with {@link #sent()}, a timer whose rate gives
     * the mean over any interval (the mean above is over the tracker's life).
     */
    long totalSendLatencyMicros();

    /** The longest such time seen, in microseconds. */
    long maxSendLatencyMicros();
}
