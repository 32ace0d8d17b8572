package io.carbonllm.payback.streams;

import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.VariantWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the app published, reduced to what must not change when it crashes: the last revision of every variant window
 * and comparison window, the last status of every ledger, every ledger's exact sequence of alert transitions, and the
 * number of dead letters. Two snapshots are compared field by field; doubles within a relative 1e-9, since sums of the
 * same terms in another order may differ in the last bits.
 */
final class OutputSnapshot {

    private final Map<String, VariantWindow> variantWindows = new TreeMap<>();
    private final Map<String, ComparisonWindow> comparisonWindows = new TreeMap<>();
    private final Map<String, PaybackStatus> statuses = new TreeMap<>();
    private final Map<String, List<String>> alertTransitions = new TreeMap<>();
    private long deadLetters;

    void variantWindow(VariantWindow w) {
        variantWindows.put(w.getUseCase() + "|" + w.getModelId() + "|" + w.getWindowStart(), w);
    }

    void comparisonWindow(ComparisonWindow w) {
        comparisonWindows.put(w.getComparisonId() + "|" + w.getWindowStart(), w);
    }

    /** A status, or a tombstone (null) that retires the key. */
    void status(String key, PaybackStatus status) {
        if (status == null) {
            statuses.remove(key);
        } else {
            statuses.put(key, status);
        }
    }

    void alert(String key, PaybackAlert alert) {
        alertTransitions.computeIfAbsent(key, k -> new ArrayList<>()).add(alert.getState() + " " + alert.getRule()
                + " window " + alert.getWindowStart() + " fired " + alert.getFiredAt() + " resolved " + alert.getResolvedAt());
    }

    void deadLetter() {
        deadLetters++;
    }

    /** The first variant window, in key order. */
    VariantWindow anyVariantWindow() {
        return variantWindows.values().iterator().next();
    }

    long deadLetters() {
        return deadLetters;
    }

    int variantWindowCount() {
        return variantWindows.size();
    }

    int statusCount() {
        return statuses.size();
    }

    long alertTransitionCount() {
        return alertTransitions.values().stream().mapToLong(List::size).sum();
    }

    /** The total tasks over every variant window: a quick figure for progress logs. */
    long tasks() {
        return variantWindows.values().stream().mapToLong(VariantWindow::getRequests).sum();
    }

    /** Every difference between this (the reference) and {@code actual}, described; empty when they agree. */
    List<String> differences(OutputSnapshot actual) {
        List<String> out = new ArrayList<>();
        compareMaps("variant-windows", variantWindows, actual.variantWindows, out);
        compareMaps("comparison-windows", comparisonWindows, actual.comparisonWindows, out);
        compareMaps("payback-status", statuses, actual.statuses, out);
        for (String key : union(alertTransitions, actual.alertTransitions)) {
            List<String> expected = alertTransitions.getOrDefault(key, List.of());
            List<String> got = actual.alertTransitions.getOrDefault(key, List.of());
            if (!expected.equals(got)) {
                out.add("payback-alerts " + key + ": expected transitions " + expected + " but got " + got);
            }
        }
        if (deadLetters != actual.deadLetters) {
            out.add("dead letters: expected " + deadLetters + " but got " + actual.deadLetters);
        }
        return out;
    }

    private static <V extends SpecificRecord> void compareMaps(String topic, Map<String, V> expected, Map<String, V> actual,
                                                               List<String> out) {
        for (String key : union(expected, actual)) {
            V e = expected.get(key);
            V a = actual.get(key);
            if (e == null || a == null) {
                out.add(topic + " " + key + ": " + (e == null ? "not expected, but published" : "expected, but missing"));
                continue;
            }
            List<String> fields = new ArrayList<>();
            compare("", e, a, fields);
            if (!fields.isEmpty()) {
                out.add(topic + " " + key + ": " + String.join("; ", fields));
            }
        }
    }

    private static void compare(String path, Object e, Object a, List<String> out) {
        if (e instanceof SpecificRecord er && a instanceof SpecificRecord ar) {
            for (Schema.Field field : er.getSchema().getFields()) {
                compare(path + field.name() + ".", er.get(field.pos()), ar.get(field.pos()), out);
            }
        } else if (e instanceof Map<?, ?> em && a instanceof Map<?, ?> am) {
            for (Object key : unionKeys(em, am)) {
                compare(path + key + ".", em.get(key), am.get(key), out);
            }
        } else if (e instanceof List<?> el && a instanceof List<?> al && el.size() == al.size()) {
            for (int i = 0; i < el.size(); i++) {
                compare(path + i + ".", el.get(i), al.get(i), out);
            }
        } else if (e instanceof Double ed && a instanceof Double ad) {
            double tolerance = 1e-9 * Math.max(1.0, Math.max(Math.abs(ed), Math.abs(ad)));
            if (!(Math.abs(ed - ad) <= tolerance || ed.equals(ad))) {
                out.add(strip(path) + " expected " + ed + " but was " + ad);
            }
        } else if (!Objects.equals(String.valueOf(e), String.valueOf(a))) {
            out.add(strip(path) + " expected " + e + " but was " + a);
        }
    }

    private static String strip(String path) {
        return path.endsWith(".") ? path.substring(0, path.length() - 1) : path;
    }

    private static TreeSet<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    private static TreeSet<Object> unionKeys(Map<?, ?> a, Map<?, ?> b) {
        TreeSet<Object> keys = new TreeSet<>(java.util.Comparator.comparing(String::valueOf));
        keys.addAll(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    @Override
    public String toString() {
        return variantWindows.size() + " variant windows (" + tasks() + " requests), " + comparisonWindows.size()
                + " comparison windows, " + statuses.size() + " statuses, " + alertTransitionCount()
                + " alert transitions, " + deadLetters + " dead letters";
    }
}
