package io.carbonllm.payback.streams.api;

import io.carbonllm.payback.events.PaybackAlert;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The latest alert transitions per comparison, as {@link LiveSource} reads them from {@code payback-alerts} (from its
 * beginning: the topic's retention bounds how far back): the detail page's alert timeline. The stores keep only the
 * alerts firing now. Bounded: {@value #PER_COMPARISON} transitions per comparison, {@value #COMPARISONS} comparisons
 * (the least recently changed or read go first).
 *
 * <p>A timeline says when it is not the whole story ({@link Gap}): while the source has not yet read the topic up to
 * the end offsets it saw when it started (after a restart it reads everything again), when older transitions were
 * dropped for the bound, and when the comparison's timeline was evicted (then anything kept since is partial). Evicted
 * ids are remembered up to {@value #EVICTED_REMEMBERED}; past that every timeline not held, or started again, is
 * taken to be partial.
 */
final class AlertHistory {

    static final int PER_COMPARISON = 200;
    static final int COMPARISONS = 10_000;
    static final int EVICTED_REMEMBERED = 100_000;

    /** Why a timeline is not every transition the topic holds for its comparison. */
    enum Gap {
        /** The source has not yet read payback-alerts up to the end offsets it saw when it started. */
        LOADING,
        /** More than {@value #PER_COMPARISON} transitions: the oldest were dropped. */
        TRUNCATED,
        /** The comparison's timeline was dropped for the bound on comparisons: what is kept since is partial. */
        EVICTED
    }

    /** A comparison's transitions, oldest first, and why they are not all of them (null: they are). */
    record Timeline(List<PaybackAlert> transitions, Gap gap) {
        boolean complete() {
            return gap == null;
        }
    }

    private static final class Kept {
        final Deque<PaybackAlert> transitions = new ArrayDeque<>();
        final boolean startedAfterEviction;
        boolean truncated;

        Kept(boolean startedAfterEviction) {
            this.startedAfterEviction = startedAfterEviction;
        }
    }

    private final int perComparison;
    private final int comparisons;
    private final int evictedRemembered;
    private final Set<String> evicted = new HashSet<>();
    private boolean evictionsForgotten;
    private volatile boolean caughtUp;
    private final Map<String, Kept> byComparison;

    AlertHistory() {
        this(PER_COMPARISON, COMPARISONS, EVICTED_REMEMBERED);
    }

    AlertHistory(int perComparison, int comparisons, int evictedRemembered) {
        this.perComparison = perComparison;
        this.comparisons = comparisons;
        this.evictedRemembered = evictedRemembered;
        this.byComparison = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
                if (size() <= AlertHistory.this.comparisons) {
                    return false;
                }
                if (evicted.size() < AlertHistory.this.evictedRemembered) {
                    evicted.add(eldest.getKey());
                } else {
                    evictionsForgotten = true;
                }
                return true;
            }
        };
    }

    synchronized void add(PaybackAlert alert) {
        Kept kept = byComparison.computeIfAbsent(alert.getComparisonId(),
                id -> new Kept(evicted.remove(id) || evictionsForgotten));
        kept.transitions.addLast(alert);
        while (kept.transitions.size() > perComparison) {
            kept.transitions.removeFirst();
            kept.truncated = true;
        }
    }

    /** The source has read payback-alerts up to the end offsets it saw when it started. */
    void caughtUp() {
        caughtUp = true;
    }

    boolean isCaughtUp() {
        return caughtUp;
    }

    synchronized Timeline of(String comparisonId) {
        Kept kept = byComparison.get(comparisonId);
        List<PaybackAlert> transitions = kept == null ? List.of() : List.copyOf(kept.transitions);
        Gap gap;
        if (!caughtUp) {
            gap = Gap.LOADING;
        } else if (kept == null) {
            gap = evicted.contains(comparisonId) || evictionsForgotten ? Gap.EVICTED : null;
        } else if (kept.startedAfterEviction) {
            gap = Gap.EVICTED;
        } else {
            gap = kept.truncated ? Gap.TRUNCATED : null;
        }
        return new Timeline(transitions, gap);
    }
}
