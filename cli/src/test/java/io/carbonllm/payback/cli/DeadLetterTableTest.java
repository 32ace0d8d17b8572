package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carbonllm.payback.streams.dlq.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The listing's table fits 120 columns by cutting the reason, unless --full; --json carries every field. */
class DeadLetterTableTest {

    private static DeadLetter row(String reason) {
        return DeadLetter.of(DeadLetterTest.record(0, 7,
                reasonHeaders(DeadLetterTest.deadLetterHeaders("validate", "2026-11-27T16:53:52.123Z", "2"), reason)));
    }

    private static RecordHeaders reasonHeaders(RecordHeaders headers, String reason) {
        headers.remove(DeadLetters.REASON);
        headers.add(DeadLetters.REASON, reason.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    @Test
    void aShortReasonIsShownWholeInAnAlignedRow() {
        List<String> lines = DeadLetterTable.lines(List.of(row("outputTokens -3 is negative")), d -> false, false);

        // columns: time 19, stage 11, source "inference-events/2/41" 21, dlq "0/7" 3 (as wide as "DLQ"), replayed 8,
        // two spaces between each
        assertThat(lines).containsExactly(
                "FAILED AT (UTC)      STAGE        SOURCE                 DLQ  REPLAYED  REASON",
                "2026-11-27 16:53:52  validate     inference-events/2/41  0/7  no        outputTokens -3 is negative");
    }

    @Test
    void aLongReasonIsCutToFitTheLineUnlessFull() {
        String reason = "x".repeat(100);
        // fixed columns: 19 + 2 + 11 + 2 + 21 + 2 + 3 + 2 + 8 + 2 = 72, so 120 - 72 = 48 for the reason: 45 x and "..."
        String cut = DeadLetterTable.lines(List.of(row(reason)), d -> true, false).get(1);
        assertThat(cut).hasSize(120).endsWith("yes       " + "x".repeat(45) + "...");

        String full = DeadLetterTable.lines(List.of(row(reason)), d -> true, true).get(1);
        assertThat(full).hasSize(72 + 100).endsWith("x".repeat(100));
    }

    @Test
    void aReasonOnSeveralLinesIsPrintedOnOne() {
        String line = DeadLetterTable.lines(List.of(row("first\n  second")), d -> false, true).get(1);
        assertThat(line).endsWith("no        first second");
    }

    @Test
    void jsonCarriesTheWholeReasonTheSizesAndTheReplayState() throws Exception {
        String reason = "y".repeat(300);
        JsonNode json = new ObjectMapper().readTree(DeadLetterTable.json(row(reason), true));

        assertThat(json.get("reason").asText()).isEqualTo(reason);
        assertThat(json.get("stage").asText()).isEqualTo("validate");
        assertThat(json.get("failedAt").asText()).isEqualTo("2026-11-27T16:53:52.123Z");
        assertThat(json.get("sourceTopic").asText()).isEqualTo("inference-events");
        assertThat(json.get("sourcePartition").asInt()).isEqualTo(2);
        assertThat(json.get("sourceOffset").asLong()).isEqualTo(41);
        assertThat(json.get("dlqPartition").asInt()).isZero();
        assertThat(json.get("dlqOffset").asLong()).isEqualTo(7);
        assertThat(json.get("key").asText()).isEqualTo("support-summarize");
        assertThat(json.get("keySize").asInt()).isEqualTo(17);
        assertThat(json.get("valueSize").asInt()).isEqualTo(7);
        assertThat(json.get("replayed").asBoolean()).isTrue();
        assertThat(json.get("replayOf").asText()).isEqualTo("inference-events-dlq/1/4");
    }

    @Test
    void countsByStageReadAsAList() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("deserialize", 3L);
        counts.put("validate", 1L);
        assertThat(DeadLetterTable.byStage(counts)).isEqualTo("deserialize 3, validate 1");
    }
}
