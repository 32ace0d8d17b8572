package io.carbonllm.payback.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.core.definition.ComparisonValidator;
import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.core.validation.EventValidator;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TrainingRun;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoStoryTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private final DemoStory story = new DemoStory(START, Duration.ofMinutes(1));

    @Test
    void theFineTuneDriftsFromWindow30AndRecoversAtWindow38() {
        assertThat(fineTuneAt(29).successRate()).isEqualTo(0.93);
        assertThat(fineTuneAt(30).successRate()).isEqualTo(0.2);
        assertThat(fineTuneAt(30).meanInputTokens()).isEqualTo(6000);
        assertThat(fineTuneAt(37).successRate()).isEqualTo(0.2);
        assertThat(fineTuneAt(38).successRate()).isEqualTo(0.93);
        assertThat(story.variantsAt(START)).extracting(VariantProfile::modelId).containsExactly(
                "llama-3.1-70b-instruct", "llama-3.1-8b-support-ft", "llama-3.1-70b-instruct-rag");
    }

    @Test
    void theComparisonChargesEveryRunTheStoryPublishes() {
        List<String> charged = story.comparison().getCandidates().stream().flatMap(c -> c.getRunIds().stream()).toList();
        assertThat(story.runs()).extracting(r -> r.getRunId()).containsExactlyInAnyOrderElementsOf(charged);
    }

    @Test
    void everyDefinitionTheStoryPublishesPassesTheEnginesChecks() {
        assertThat(ComparisonValidator.problems(story.comparison())).isEmpty();
        for (TrainingRun run : story.runs()) {
            assertThat(TrainingRuns.problems(run)).as(run.getRunId()).isEmpty();
        }
    }

    @Test
    void everySimulatedEventPassesValidation() {
        TrafficSimulator simulator = new TrafficSimulator(null, DemoStory.USE_CASE, story::variantsAt, 10, 42, () -> START);
        EventValidator validator = new EventValidator(10_000_000, Duration.ofMinutes(15));
        for (int i = 0; i < 2_000; i++) {
            InferenceEvent event = simulator.nextEvent(START.plusSeconds(i));
            assertThat(validator.problems(event)).as(event.toString()).isEmpty();
        }
    }

    private VariantProfile fineTuneAt(int window) {
        return story.variantsAt(START.plus(Duration.ofMinutes(window)).plusSeconds(1)).get(1);
    }
}
