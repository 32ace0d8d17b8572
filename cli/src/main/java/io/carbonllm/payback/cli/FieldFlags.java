package io.carbonllm.payback.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Rewrites the problems the shared validators report ({@code TrainingRuns}, {@code ComparisonValidator},
 * {@code OneOffRunValidator}), which name record fields such as {@code meteredKwh}, into the flags the user typed,
 * such as {@code --metered-kwh}. The checks stay in one place; only their wording changes here.
 */
final class FieldFlags {

    private final Map<String, String> flagsByField;
    private final Pattern fields;

    /** @param flagsByField the flag (or flags) to name instead of each field */
    FieldFlags(Map<String, String> flagsByField) {
        this.flagsByField = Map.copyOf(flagsByField);
        // Longest first, and only whole words: "gpuHours" is not "hours", "--hours" is not "hours" again.
        this.fields = Pattern.compile("(?<![\\w-])(" + flagsByField.keySet().stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote)
                .collect(Collectors.joining("|")) + ")(?![\\w-])");
    }

    String rename(String problem) {
        Matcher matcher = fields.matcher(problem);
        StringBuilder renamed = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(renamed, Matcher.quoteReplacement(flagsByField.get(matcher.group(1))));
        }
        matcher.appendTail(renamed);
        return renamed.toString();
    }

    /** The problems, renamed and joined into one message. */
    String message(List<String> problems) {
        return problems.stream().map(this::rename).collect(Collectors.joining("; "));
    }
}
