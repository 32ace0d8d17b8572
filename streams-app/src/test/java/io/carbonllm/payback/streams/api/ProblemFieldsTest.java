package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.core.definition.ComparisonValidator;
import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.TrainingRun;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fields named come from the shared validators' own messages: if a message changes shape, this fails. */
class ProblemFieldsTest {

    @Test
    void comparisonProblemsNameTheirBodyField() {
        ComparisonDefinition def = ComparisonDefinition.newBuilder().setComparisonId("c").setUseCase("uc")
                .setBaselineModel("big").setMinSuccessRate(1.5).setBasis("carbon").setFireAfterWindows(0)
                .setCandidates(List.of(
                        CandidateDefinition.newBuilder().setCandidateId("ft").setModelId("small").build(),
                        CandidateDefinition.newBuilder().setCandidateId("rag").setModelId("big").setKind("magic")
                                .setRetrievalWhPerRequest(-1.0).build(),
                        CandidateDefinition.newBuilder().setCandidateId("ft").setModelId("other").build()))
                .build();
        List<String> problems = ComparisonValidator.problems(def);

        assertThat(ProblemFields.ofComparison(def, problems)).extracting(ApiException.Problem::field)
                .containsExactlyInAnyOrder("candidates[2].candidateId", "candidates[1].modelId", "candidates[1].kind",
                        "candidates[1].retrievalWhPerRequest", "minSuccessRate", "fireAfterWindows", "basis");
    }

    @Test
    void runProblemsNameTheirBodyField() {
        TrainingRun run = TrainingRun.newBuilder().setRunId("r").setKind("training").setGpuCount(-1).setHours(-2)
                .setPue(0.5).setStartedAt(Instant.EPOCH).build();
        List<String> problems = TrainingRuns.problems(run);

        assertThat(ProblemFields.ofRun(problems)).extracting(ApiException.Problem::field)
                .contains("kind", "gpuCount", "hours", "pue").doesNotContainNull();
    }

    @Test
    void aRunWithNoEnergyNamesMeteredKwh() {
        TrainingRun run = TrainingRun.newBuilder().setRunId("r").setStartedAt(Instant.EPOCH).build();
        assertThat(ProblemFields.ofRun(TrainingRuns.problems(run))).extracting(ApiException.Problem::field)
                .containsExactly("meteredKwh");
    }
}
