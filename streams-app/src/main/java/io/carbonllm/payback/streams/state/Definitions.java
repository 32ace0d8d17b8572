package io.carbonllm.payback.streams.state;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the processors of one app instance share about the global definition tables (comparisons, training runs,
 * factors): a version that moves whenever one of them changes, so that the stream threads rebuild their indexes and
 * snapshots then, and only then. Thread-safe: the global thread
 * writes, the stream threads read.
 */
public final class Definitions {

    private final AtomicLong version = new AtomicLong();

    /** Moves on every change to any global definition table. */
    public long version() {
        return version.get();
    }

    void changed() {
        version.incrementAndGet();
    }
}
