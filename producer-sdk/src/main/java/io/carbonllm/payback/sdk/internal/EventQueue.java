package io.carbonllm.payback.sdk.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tracker's bounded queue, lock-free on both sides: callers reserve a place, then put; the sender polls, and parks
 * on its own when there is nothing (a caller never wakes it, so {@code record} makes no system call). The bound counts
 * reserved places, so it holds while a put is under way.
 */
public final class EventQueue {

    private final ConcurrentLinkedQueue<Outgoing> items = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    public EventQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Takes a place for one {@link #put}; false when the queue is full. */
    public boolean tryReserve() {
        while (true) {
            int now = size.get();
            if (now >= capacity) {
                return false;
            }
            if (size.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Takes {@code n} places at once, or none; false when fewer are free. */
    public boolean tryReserve(int n) {
        while (true) {
            int now = size.get();
            if (n > capacity - now) {
                return false;
            }
            if (size.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    /** Adds a record to the place {@link #tryReserve} took. */
    public void put(Outgoing record) {
        items.offer(record);
    }

    /** The oldest record, or null. */
    public Outgoing poll() {
        Outgoing record = items.poll();
        if (record != null) {
            size.decrementAndGet();
        }
        return record;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    /** Records queued (and places reserved for records on their way in). */
    public int size() {
        return size.get();
    }

    public int capacity() {
        return capacity;
    }

    public int remainingCapacity() {
        return Math.max(0, capacity - size.get());
    }
}
