package io.carbonllm.payback.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How {@code ./payback dlq} prints dead letters: a table whose lines fit {@link #WIDTH}, or one JSON object a line. */
final class DeadLetterTable {

    /** The table's line width: the reason column is cut to fit it unless {@code --full}. */
    static final int WIDTH = 120;
    private static final int MIN_REASON = 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetterTable() {
    }

    /**
     * The header and one line per dead letter. The reason is the last column, on one line, and cut with "..." where
     * the line would pass {@link #WIDTH}, unless {@code full}.
     */
    static List<String> lines(List<DeadLetter> rows, java.util.function.Predicate<DeadLetter> replayed, boolean full) {
        int source = "SOURCE".length();
        int dlq = "DLQ".length();
        for (DeadLetter row : rows) {
            source = Math.max(source, row.source().length());
            dlq = Math.max(dlq, dlqPosition(row).length());
        }
        String format = "%-19s  %-11s  %-" + source + "s  %-" + dlq + "s  %-8s  %s";
        int fixed = 19 + 2 + 11 + 2 + source + 2 + dlq + 2 + 8 + 2;
        int reasonWidth = Math.max(MIN_REASON, WIDTH - fixed);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, format, "FAILED AT (UTC)", "STAGE", "SOURCE", "DLQ", "REPLAYED", "REASON")
                .stripTrailing());
        for (DeadLetter row : rows) {
            String reason = oneLine(row.reason());
            lines.add(String.format(Locale.ROOT, format, TIME.format(row.failedAt()), orUnknown(row.stage()),
                    row.source(), dlqPosition(row), replayed.test(row) ? "yes" : "no",
                    full ? reason : cut(reason, reasonWidth)).stripTrailing());
        }
        return lines;
    }

    /** One dead letter as a JSON object on one line (JSON Lines: one object a line, ready for jq). */
    static String json(DeadLetter row, boolean replayed) {
        ObjectNode node = JSON.createObjectNode();
        node.put("failedAt", row.failedAt().toString());
        node.put("stage", row.stage());
        node.put("reason", row.reason());
        node.put("exception", row.exception());
        node.put("sourceTopic", row.sourceTopic());
        node.put("sourcePartition", row.sourcePartition());
        node.put("sourceOffset", row.sourceOffset());
        node.put("dlqTopic", row.dlqTopic());
        node.put("dlqPartition", row.partition());
        node.put("dlqOffset", row.offset());
        node.put("key", row.keyText());
        node.put("keySize", row.keySize());
        node.put("valueSize", row.valueSize());
        node.put("replayed", replayed);
        node.put("replayOf", row.replayOf());
        return node.toString();
    }

    /** "deserialize 3, validate 1": counts by stage, in the order given. */
    static String byStage(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 3) + "...";
    }

    private static String dlqPosition(DeadLetter row) {
        return row.partition() + "/" + row.offset();
    }

    private static String oneLine(String text) {
        return text == null ? "(no reason)" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    static String orUnknown(String stage) {
        return stage == null ? "?" : stage;
    }
}
