package io.carbonllm.payback.core.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskOutcomesTest {

    private static final String SWEDEN = "ESTIMATED\u001Faws\u001FPUE|provider|aws|2023-01-01\u001FGRID|region|eu-north-1|2025-01-01";
    private static final String VIRGINIA = "METERED\u001Faws\u001FPUE|provider|aws|2023-01-01\u001FGRID|region|us-east-1|2025-01-01";

    private static TaskOutcome request(Map<String, Double> parts, long second) {
        Instant at = Instant.ofEpochSecond(second);
        return TaskOutcome.newBuilder().setUseCase("uc").setModelId("m").setRequests(1).setSuccess(true)
                .setCoveredRequests(1).setEnergyParts(parts).setFirstEventTime(at).setLastEventTime(at).build();
    }

    @Test
    void aTasksAndAWindowsEnergyPartsAddUpByPart() {
        // Given two requests of one task: 0.4 Wh in Sweden, then 0.25 Wh in Sweden and 0.5 Wh in Virginia
        TaskOutcome first = request(Map.of(SWEDEN, 0.4), 1);
        TaskOutcome second = request(Map.of(SWEDEN, 0.25, VIRGINIA, 0.5), 2);

        // When the task merges them and a window adds the task and one more request (0.1 Wh in Virginia)
        TaskOutcome task = TaskOutcomes.merge(first, second);
        VariantStats window = VariantCounters.add(VariantCounters.add(VariantCounters.empty(), task),
                request(Map.of(VIRGINIA, 0.1), 3));

        // Then the task holds Sweden 0.4 + 0.25 = 0.65, Virginia 0.5; the window Sweden 0.65, Virginia 0.6; and the
        // published window carries them
        assertThat(task.getEnergyParts()).containsOnly(Map.entry(SWEDEN, 0.65), Map.entry(VIRGINIA, 0.5));
        assertThat(window.getEnergyParts()).containsOnly(Map.entry(SWEDEN, 0.65), Map.entry(VIRGINIA, 0.6));
        assertThat(VariantCounters.result(new VariantKey("uc", "m"), Instant.EPOCH, Instant.ofEpochSecond(60), window)
                .getEnergyParts()).isEqualTo(window.getEnergyParts());
        // and the inputs are left as they were
        assertThat(first.getEnergyParts()).containsOnly(Map.entry(SWEDEN, 0.4));
    }
}
