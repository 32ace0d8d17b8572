package io.carbonllm.payback.streams.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The query parameters of one request, read strictly: a parameter the endpoint does not know, one given twice, or a
 * value out of range is a 400 naming the parameter and what it accepts. A typo must not silently widen a query.
 */
final class QueryParams {

    private final Map<String, List<String>> params;

    QueryParams(Map<String, List<String>> params, Set<String> allowed) {
        this.params = params;
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw ApiException.badParameter(e.getKey(), "is not a parameter of this endpoint; it takes "
                        + (allowed.isEmpty() ? "none" : String.join(", ", allowed)));
            }
            if (e.getValue().size() > 1) {
                throw ApiException.badParameter(e.getKey(), "is given " + e.getValue().size() + " times; give it once");
            }
        }
    }

    String string(String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
    }

    int integer(String name, int defaultValue, int min, int max) {
        String value = string(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw ApiException.badParameter(name, "must be between " + min + " and " + max + ", got " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "must be an integer between " + min + " and " + max + ", got " + value);
        }
    }

    /** One of {@code allowed} (case-insensitive), upper-cased, or the default. */
    String oneOf(String name, List<String> allowed, String defaultValue) {
        String value = string(name);
        if (value == null) {
            return defaultValue;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value)) {
                return a;
            }
        }
        throw ApiException.badParameter(name, "must be one of " + String.join(", ", allowed) + ", got " + value);
    }

    /** A comma-separated subset of {@code allowed} (case-insensitive); empty when absent. */
    Set<String> subsetOf(String name, List<String> allowed) {
        String value = string(name);
        Set<String> chosen = new LinkedHashSet<>();
        if (value == null) {
            return chosen;
        }
        for (String part : value.split(",", -1)) {
            String item = part.trim().toUpperCase(Locale.ROOT);
            if (!allowed.contains(item)) {
                throw ApiException.badParameter(name, "must be one or more of " + String.join(", ", allowed)
                        + " (comma-separated), got " + part.trim());
            }
            chosen.add(item);
        }
        return chosen;
    }

    boolean bool(String name, boolean defaultValue) {
        String value = string(name);
        if (value == null) {
            return defaultValue;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw ApiException.badParameter(name, "must be true or false, got " + value);
    }

    /** An ISO-8601 instant, a YYYY-MM-DD date (midnight UTC) or epoch milliseconds. */
    Instant instant(String name, Instant defaultValue) {
        String value = string(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(value));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw ApiException.badParameter(name, "must be an ISO-8601 instant (2026-11-27T09:00:00Z), a date "
                    + "(2026-11-27) or epoch milliseconds, got " + value);
        }
    }
}
