package io.carbonllm.payback.sdk.internal;

import io.carbonllm.payback.sdk.DropCause;
import io.carbonllm.payback.sdk.TrackerMetrics;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** The tracker's counters: written by the caller threads, the sender and the producer's callbacks; read by anyone. */
public final class Counters implements TrackerMetrics {

    private final LongAdder recorded = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final Map<DropCause, LongAdder> dropped = new EnumMap<>(DropCause.class);
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAccumulator maxLatencyNanos = new LongAccumulator(Math::max, 0);
    private final LongAdder spooled = new LongAdder();
    private final LongAdder spoolDepth = new LongAdder();
    private final LongAdder spoolBytes = new LongAdder();
    private final EventQueue queue;

    public Counters(EventQueue queue) {
        this.queue = queue;
        for (DropCause cause : DropCause.values()) {
            dropped.put(cause, new LongAdder());
        }
    }

    public void onRecorded() {
        recorded.increment();
    }

    public void onSent(long latencyNanos) {
        sent.increment();
        this.latencyNanos.add(latencyNanos);
        maxLatencyNanos.accumulate(latencyNanos);
    }

    public void onRetry() {
        retries.increment();
    }

    public void onDropped(DropCause cause) {
        dropped.get(cause).increment();
    }

    public void onDropped(DropCause cause, long n) {
        dropped.get(cause).add(n);
    }

    /** One event written to the spool, taking {@code bytes} there. */
    public void onSpooled(long bytes) {
        spooled.increment();
        spoolDepth.increment();
        spoolBytes.add(bytes);
    }

    /** Events found in the spool at start-up, from an earlier run. */
    public void onSpoolRecovered(long events, long bytes) {
        spoolDepth.add(events);
        spoolBytes.add(bytes);
    }

    /** Events acknowledged out of the spool. */
    public void onUnspooled(long events) {
        spoolDepth.add(-events);
    }

    /** Spool files deleted (delivered, or dropped). */
    public void onSpoolFreed(long bytes) {
        spoolBytes.add(-bytes);
    }

    @Override
    public long spooled() {
        return spooled.sum();
    }

    @Override
    public long spoolDepth() {
        return spoolDepth.sum();
    }

    @Override
    public long spoolBytes() {
        return spoolBytes.sum();
    }

    @Override
    public long recorded() {
        return recorded.sum();
    }

    @Override
    public long sent() {
        return sent.sum();
    }

    @Override
    public Map<DropCause, Long> dropped() {
        Map<DropCause, Long> copy = new EnumMap<>(DropCause.class);
        dropped.forEach((cause, n) -> copy.put(cause, n.sum()));
        return copy;
    }

    @Override
    public long dropped(DropCause cause) {
        return dropped.get(cause).sum();
    }

    @Override
    public long droppedTotal() {
        return dropped.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public long sendRetries() {
        return retries.sum();
    }

    /** The tracker's queue, whose depth {@link #queueDepth()} reports. */
    public EventQueue queue() {
        return queue;
    }

    @Override
    public int queueDepth() {
        return queue.size();
    }

    @Override
    public double meanSendLatencyMicros() {
        long n = sent.sum();
        return n == 0 ? 0.0 : latencyNanos.sum() / 1_000.0 / n;
    }

    @Override
    public long totalSendLatencyMicros() {
        return latencyNanos.sum() / 1_000;
    }

    @Override
    public long maxSendLatencyMicros() {
        return maxLatencyNanos.get() / 1_000;
    }
}
