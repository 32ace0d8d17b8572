package io.carbonllm.payback.streams.api;

import io.carbonllm.payback.events.PaybackAlert;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest alert transitions per comparison, as {@link LiveSource} reads them from {@code payback-alerts} (from its
 * beginning: the topic's retention bounds how far back): the detail page's alert timeline. The stores keep only the
 * alerts firing now. Bounded: {@value #PER_COMPARISON} transitions per comparison, {@value #COMPARISONS} comparisons
 * (the least recently changed go first).
 */
final class AlertHistory {

    static final int PER_COMPARISON = 200;
    static final int COMPARISONS = 10_000;

    private final Map<String, Deque<PaybackAlert>> byComparison = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<PaybackAlert>> eldest) {
            return size() > COMPARISONS;
        }
    };

    synchronized void add(PaybackAlert alert) {
        Deque<PaybackAlert> list = byComparison.computeIfAbsent(alert.getComparisonId(), k -> new ArrayDeque<>());
        list.addLast(alert);
        while (list.size() > PER_COMPARISON) {
            list.removeFirst();
        }
    }

    /** Oldest first. */
    synchronized List<PaybackAlert> of(String comparisonId) {
        Deque<PaybackAlert> list = byComparison.get(comparisonId);
        return list == null ? List.of() : List.copyOf(list);
    }
}
