package io.carbonllm.payback.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How long a schema-registry outage may go on replacing stream threads. Each replacement is a dirty close: under
 * exactly-once the thread's tasks restore their state before they resume. So replacements back off (1 s, 2 s, 4 s ...
 * up to a minute), and more than {@link #MAX_REPLACEMENTS} within {@link #WINDOW} stop the instance instead: a
 * registry gone that long, or a wrong URL, is for an operator, not for a loop.
 */
final class RegistryBlips {

    static final int MAX_REPLACEMENTS = 10;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final Clock clock;
    private final Deque<Long> replacements = new ArrayDeque<>();

    RegistryBlips(Clock clock) {
        this.clock = clock;
    }

    /** The pause before the next replacement, or null when the budget is spent and the instance should stop. */
    synchronized Duration nextReplacement() {
        long now = clock.millis();
        while (!replacements.isEmpty() && replacements.peekFirst() <= now - WINDOW.toMillis()) {
            replacements.removeFirst();
        }
        if (replacements.size() >= MAX_REPLACEMENTS) {
            return null;
        }
        replacements.addLast(now);
        long backoff = Math.min(MAX_BACKOFF.toMillis(), 1000L << (replacements.size() - 1));
        return Duration.ofMillis(backoff);
    }
}
