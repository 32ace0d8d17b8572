package io.carbonllm.payback.streams.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the processors of one app instance share about the global definition tables (comparisons, training runs,
 * factors): a version that moves whenever one of them changes, so that the stream threads rebuild their indexes and
 * snapshots then, and only then; and how many records each table skipped as invalid. Thread-safe: the global thread
 * writes, the stream threads read.
 */
public final class Definitions {

    private final AtomicLong version = new AtomicLong();
    private final Map<String, AtomicLong> skipped = new ConcurrentHashMap<>();

    /** Moves on every change to any global definition table. */
    public long version() {
        return version.get();
    }

    void changed() {
        version.incrementAndGet();
    }

    void skipped(String store) {
        skipped.computeIfAbsent(store, s -> new AtomicLong()).incrementAndGet();
    }

    /** Records skipped as unreadable or invalid, by store. */
    public long skippedRecords(String store) {
        AtomicLong count = skipped.get(store);
        return count == null ? 0 : count.get();
    }
}
