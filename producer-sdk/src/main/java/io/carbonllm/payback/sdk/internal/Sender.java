package io.carbonllm.payback.sdk.internal;

import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.sdk.DropCause;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's one background thread: takes records from the queue in order, serializes them (the registry lookup
 * happens here, never on a caller's thread) and hands them to the producer. A record that cannot be handed over yet
 * (the registry unreachable, the producer without metadata or buffer space while the broker is away) is retried with
 * backoff before anything behind it, so the order per key holds; the idempotent producer keeps it from there on.
 *
 * <p>With a {@link Spool}, the spool is a write-ahead log: every record goes from the queue to disk, and is sent from
 * there, oldest first, at most {@code REPLAY_WINDOW} unacknowledged at a time. The queue drains to disk at disk speed
 * whether or not the broker is there, so an outage fills the spool, not the queue; and a record leaves the disk only
 * once Kafka has acknowledged it, so neither a close nor a crash during an outage loses it.
 */
public final class Sender implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final int REPLAY_BATCH = 500;
    private static final int REPLAY_WINDOW = 10_000;
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MIN_IDLE_PARK_NANOS = 100_000;
    private static final long MAX_IDLE_PARK_NANOS = 2_000_000;

    private final EventQueue queue;
    private final Producer<byte[], byte[]> producer;
    private final BiFunction<String, Outgoing, byte[]> serializer;
    private final Counters counters;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Spool spool;
    private volatile long closeDeadlineNanos = Long.MAX_VALUE;
    private volatile boolean closing;
    private volatile Thread thread;
    private Outgoing pending;
    private Spool.Handed spooledPending;
    private byte[] pendingBytes;
    private long backoff = MIN_BACKOFF_MS;
    private long nextAttemptNanos;
    private long idleParkNanos = MIN_IDLE_PARK_NANOS;
    private long lastQueueWarnNanos = System.nanoTime() - WARN_EVERY_NANOS;
    private long queueDropsWarned;
    private final RateLimitedWarning problems = new RateLimitedWarning(log, WARN_EVERY_NANOS);
    private final RateLimitedWarning spoolFull = new RateLimitedWarning(log, WARN_EVERY_NANOS);

    /**
     * @param spool the write-ahead spool every record goes through, or null to keep them in memory only (retrying the
     *              oldest with backoff while the queue fills)
     */
    public Sender(EventQueue queue, Producer<byte[], byte[]> producer,
                  BiFunction<String, Outgoing, byte[]> serializer, Counters counters, Spool spool) {
        this.queue = queue;
        this.producer = producer;
        this.serializer = serializer;
        this.counters = counters;
        this.spool = spool;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            while (true) {
                reportDrops();
                if (closing && System.nanoTime() >= closeDeadlineNanos) {
                    return;
                }
                try {
                    if (!step()) {
                        return;
                    }
                } catch (InterruptException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Nothing may end this thread while the tracker is open: the record in hand stays, and is retried
                    problems.warn("unexpected error in the sender; retrying", e);
                    counters.onRetry();
                    sleepUntilRetry(MAX_BACKOFF_MS);
                }
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            log.error("The payback tracker's sender stopped; events are no longer sent", e);
            throw e;
        } finally {
            finished.countDown();
        }
    }

    /** One round of work; false when closing and there is nothing left to do. */
    private boolean step() throws InterruptedException {
        if (spool != null) {
            if (closing && queue.isEmpty() && spooledPending == null && !spool.hasUnread()) {
                return false;
            }
            spoolStep();
            return true;
        }
        if (closing && pending == null && queue.isEmpty()) {
            return false;
        }
        if (pending == null) {
            pending = next(TimeUnit.MILLISECONDS.toNanos(50));
            pendingBytes = null;
            if (pending == null) {
                return true;
            }
        }
        if (handOver(pending, null)) {
            pending = null;
            pendingBytes = null;
            backoff = MIN_BACKOFF_MS;
        } else {
            counters.onRetry();
            sleepUntilRetry(backoff);
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
        return true;
    }

    /**
     * The oldest queued record, waiting up to {@code maxWaitNanos} for one: the sender parks on its own, from 0.1 ms
     * doubling to 2 ms while idle, so that {@code record} never has to wake it (a system call on the caller's thread).
     * A record arriving at an idle tracker waits up to 2 ms more, against the producer's 20 ms linger.
     */
    private Outgoing next(long maxWaitNanos) throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (true) {
            Outgoing record = queue.poll();
            if (record != null) {
                idleParkNanos = MIN_IDLE_PARK_NANOS;
                return record;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closing) {
                return null;
            }
            LockSupport.parkNanos(Math.min(idleParkNanos, left));
            idleParkNanos = Math.min(MAX_IDLE_PARK_NANOS, idleParkNanos * 2);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** The queue-full warning, from here rather than from the caller's thread: at most every 10 s, with the count. */
    private void reportDrops() {
        long now = System.nanoTime();
        if (now - lastQueueWarnNanos < WARN_EVERY_NANOS) {
            return;
        }
        long dropped = counters.dropped(DropCause.QUEUE_FULL);
        if (dropped > queueDropsWarned) {
            log.warn("Payback tracker queue full ({} events): {} dropped since the last warning; is Kafka reachable?",
                    queue.capacity(), dropped - queueDropsWarned);
            queueDropsWarned = dropped;
            lastQueueWarnNanos = now;
        }
    }

    /**
     * One round of spooled work: what is queued moves to disk; then, unless a retry is not due yet or
     * {@code REPLAY_WINDOW} records wait for their acknowledgement, the oldest spooled records are handed to the
     * producer until one is refused (the broker away) or the spool is caught up.
     */
    private void spoolStep() throws InterruptedException {
        drainQueueToSpool();
        spool.commit(false);
        long wait = nextAttemptNanos - System.nanoTime();
        if (wait <= 0 && spool.unacknowledged() >= REPLAY_WINDOW) {
            wait = TimeUnit.MILLISECONDS.toNanos(5);
        }
        if (wait <= 0 && spooledPending == null && !spool.hasUnread()) {
            wait = TimeUnit.MILLISECONDS.toNanos(50);
        }
        if (wait > 0) {
            Outgoing next = next(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
            if (next != null) {
                toSpool(next);
            }
            return;
        }
        for (int i = 0; i < REPLAY_BATCH; i++) {
            if (closing && System.nanoTime() >= closeDeadlineNanos) {
                return;
            }
            if (spooledPending == null) {
                spooledPending = spool.next();
                pendingBytes = null;
                if (spooledPending == null) {
                    return;
                }
            }
            if (!handOver(spooledPending.record(), spooledPending)) {
                counters.onRetry();
                retryLater();
                return;
            }
            spooledPending = null;
            pendingBytes = null;
            backoff = MIN_BACKOFF_MS;
        }
    }

    private void retryLater() {
        long delay = closing ? Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(closeDeadlineNanos - System.nanoTime()))
                : backoff;
        nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, delay));
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }

    private void drainQueueToSpool() {
        for (int i = 0; i < REPLAY_BATCH * 10; i++) {
            Outgoing next = queue.poll();
            if (next == null) {
                break;
            }
            toSpool(next);
        }
        spool.flush();
    }

    private void toSpool(Outgoing record) {
        long recordedAtMillis = System.currentTimeMillis()
                - TimeUnit.NANOSECONDS.toMillis(Math.max(0, System.nanoTime() - record.recordedNanos()));
        if (!spool.append(record, recordedAtMillis)) {
            counters.onDropped(DropCause.SPOOL_FULL);
            spoolFull.warn("dropping events: the spool is full or cannot be written; is Kafka reachable?", null);
        }
    }

    /**
     * Once the sender has stopped: what is still queued goes to disk behind the rest, for the next tracker on this spool
     * to send.
     */
    public void spoolLeftovers() {
        while (!queue.isEmpty()) {
            drainQueueToSpool();
        }
    }

    /** True once the record is with the producer, or dropped for a cause of its own; false to retry it. */
    private boolean handOver(Outgoing record, Spool.Handed spooled) {
        if (pendingBytes == null) {
            try {
                pendingBytes = serializer.apply(record.topic(), record);
            } catch (RuntimeException e) {
                if (isRegistryOutage(e)) {
                    log.debug("Schema registry unavailable; retrying", e);
                    return false;
                }
                problems.warn("dropping a " + record.value().getSchema().getName() + " for topic " + record.topic()
                        + ": it cannot be serialized", e);
                counters.onDropped(DropCause.SERIALIZATION);
                doneWithSpool(spooled);
                return true;
            }
        }
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        Future<RecordMetadata> sent;
        try {
            sent = producer.send(new ProducerRecord<>(record.topic(), key, pendingBytes), (metadata, exception) -> {
                if (exception == null) {
                    counters.onSent(System.nanoTime() - record.recordedNanos());
                    doneWithSpool(spooled);
                } else if (Thread.currentThread() == thread) {
                    // failed inside send() (no metadata, no buffer space within max.block.ms): decided below
                } else if (closing && spooled != null) {
                    // stays in the spool: the next tracker on it sends it again
                } else if (closing) {
                    counters.onDropped(DropCause.NOT_DELIVERED_AT_CLOSE);
                } else {
                    problems.warn("Kafka refused a record for topic " + record.topic(), exception);
                    counters.onDropped(DropCause.DELIVERY_FAILED);
                    doneWithSpool(spooled);
                }
            });
        } catch (RetriableException e) {
            return false;
        } catch (KafkaException e) {
            if (e instanceof InterruptException) {
                throw e;
            }
            problems.warn("Kafka refused a record for topic " + record.topic(), e);
            counters.onDropped(DropCause.DELIVERY_FAILED);
            doneWithSpool(spooled);
            return true;
        }
        return acceptedBy(sent, record, spooled);
    }

    /**
     * Whether the producer took the record. Since Kafka 3, {@code send} does not throw when metadata or buffer space
     * do not come within {@code max.block.ms}: it returns a future that has already failed. The broker is away, so the
     * same record is tried again; a non-retriable failure there is the record's own, and it is dropped.
     */
    private boolean acceptedBy(Future<RecordMetadata> sent, Outgoing record, Spool.Handed spooled) {
        if (!sent.isDone()) {
            return true;
        }
        try {
            sent.get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                return false;
            }
            problems.warn("Kafka refused a record for topic " + record.topic(), e.getCause());
            counters.onDropped(DropCause.DELIVERY_FAILED);
            doneWithSpool(spooled);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /** A spooled record is done: delivered, or dropped for a cause of its own. */
    private void doneWithSpool(Spool.Handed spooled) {
        if (spooled != null) {
            counters.onUnspooled(1);
            spooled.acknowledge();
        }
    }

    private static boolean isRegistryOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException registry) {
                return !registry.isRecordsFault();
            }
        }
        return false;
    }

    private void sleepUntilRetry(long backoffMs) throws InterruptedException {
        long untilDeadline = TimeUnit.NANOSECONDS.toMillis(closeDeadlineNanos - System.nanoTime());
        Thread.sleep(Math.max(1, Math.min(backoffMs, closing ? untilDeadline : backoffMs)));
    }

    /**
     * Stops taking new work at {@code deadline} (or when the queue is empty), and waits for the thread to end. Returns
     * how many records it left behind, lost: still queued, or the one it was retrying (none with a spool: see
     * {@link #spoolLeftovers()}).
     */
    public long stop(long deadlineNanos) throws InterruptedException {
        closeDeadlineNanos = deadlineNanos;
        closing = true;
        boolean ended = finished.await(Math.max(0, deadlineNanos - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1),
                TimeUnit.NANOSECONDS);
        if (!ended && thread != null) {
            // stuck in a call that outlasts the timeout (a registry lookup): interrupted, so that nothing runs after
            // close has closed the producer and the spool
            thread.interrupt();
            ended = finished.await(1, TimeUnit.SECONDS);
        }
        if (spool != null && ended) {
            return 0; // spoolLeftovers() writes them to disk once the producer is closed
        }
        long left = pending == null ? 0 : 1;
        while (queue.poll() != null) {
            left++;
        }
        return left;
    }


}
