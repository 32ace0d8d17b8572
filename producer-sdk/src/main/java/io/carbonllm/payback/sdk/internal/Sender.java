package io.carbonllm.payback.sdk.internal;

import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.sdk.DropCause;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 */
public final class Sender implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final BlockingQueue<Outgoing> queue;
    private final Producer<byte[], byte[]> producer;
    private final BiFunction<String, Outgoing, byte[]> serializer;
    private final Counters counters;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong inFlight = new AtomicLong();
    private volatile long closeDeadlineNanos = Long.MAX_VALUE;
    private volatile boolean closing;
    private volatile Thread thread;
    private Outgoing pending;
    private byte[] pendingBytes;

    public Sender(BlockingQueue<Outgoing> queue, Producer<byte[], byte[]> producer,
                  BiFunction<String, Outgoing, byte[]> serializer, Counters counters) {
        this.queue = queue;
        this.producer = producer;
        this.serializer = serializer;
        this.counters = counters;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        long backoff = MIN_BACKOFF_MS;
        try {
            while (true) {
                if (closing && (System.nanoTime() >= closeDeadlineNanos || (pending == null && queue.isEmpty()))) {
                    return;
                }
                if (pending == null) {
                    pending = queue.poll(50, TimeUnit.MILLISECONDS);
                    pendingBytes = null;
                    if (pending == null) {
                        continue;
                    }
                }
                if (handOver()) {
                    pending = null;
                    pendingBytes = null;
                    backoff = MIN_BACKOFF_MS;
                } else {
                    counters.onRetry();
                    sleepUntilRetry(backoff);
                    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                }
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /** True once the record is with the producer, or dropped for a cause of its own; false to retry it. */
    private boolean handOver() {
        Outgoing record = pending;
        if (pendingBytes == null) {
            try {
                pendingBytes = serializer.apply(record.topic(), record);
            } catch (RuntimeException e) {
                if (isRegistryOutage(e)) {
                    log.debug("Schema registry unavailable; retrying", e);
                    return false;
                }
                log.warn("Dropping a {} for topic {}: it cannot be serialized", record.value().getSchema().getName(),
                        record.topic(), e);
                counters.onDropped(DropCause.SERIALIZATION);
                return true;
            }
        }
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        Future<RecordMetadata> sent;
        try {
            inFlight.incrementAndGet();
            sent = producer.send(new ProducerRecord<>(record.topic(), key, pendingBytes), (metadata, exception) -> {
                inFlight.decrementAndGet();
                if (exception == null) {
                    counters.onSent(System.nanoTime() - record.recordedNanos());
                } else if (Thread.currentThread() == thread) {
                    // failed inside send() (no metadata, no buffer space within max.block.ms): decided below
                } else if (closing) {
                    counters.onDropped(DropCause.NOT_DELIVERED_AT_CLOSE);
                } else {
                    log.warn("Kafka refused a record for topic {}", record.topic(), exception);
                    counters.onDropped(DropCause.DELIVERY_FAILED);
                }
            });
        } catch (RetriableException e) {
            inFlight.decrementAndGet();
            return false;
        } catch (KafkaException e) {
            inFlight.decrementAndGet();
            if (e instanceof InterruptException) {
                throw e;
            }
            log.warn("Kafka refused a record for topic {}", record.topic(), e);
            counters.onDropped(DropCause.DELIVERY_FAILED);
            return true;
        }
        return acceptedBy(sent, record);
    }

    /**
     * Whether the producer took the record. Since Kafka 3, {@code send} does not throw when metadata or buffer space
     * do not come within {@code max.block.ms}: it returns a future that has already failed. The broker is away, so the
     * same record is tried again; a non-retriable failure there is the record's own, and it is dropped.
     */
    private boolean acceptedBy(Future<RecordMetadata> sent, Outgoing record) {
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
            log.warn("Kafka refused a record for topic {}", record.topic(), e.getCause());
            counters.onDropped(DropCause.DELIVERY_FAILED);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
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
     * how many records it left behind: still queued, or the one it was retrying.
     */
    public long stop(long deadlineNanos) throws InterruptedException {
        closeDeadlineNanos = deadlineNanos;
        closing = true;
        finished.await(Math.max(0, deadlineNanos - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
        long left = queue.size() + (pending == null ? 0 : 1);
        queue.clear();
        return left;
    }

    /** Records handed to the producer whose acknowledgement has not come yet. */
    public long inFlight() {
        return inFlight.get();
    }

    public static Duration maxBackoff() {
        return Duration.ofMillis(MAX_BACKOFF_MS);
    }
}
