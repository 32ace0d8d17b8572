package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which edits of a comparison restart its candidates' ledgers, and how the warning words them. */
class EpochChangeTest {

    private static CandidateDefinition candidate(String id, String model) {
        return CandidateDefinition.newBuilder().setCandidateId(id).setModelId(model).build();
    }

    private static ComparisonDefinition.Builder definition(String useCase, String baseline, CandidateDefinition... candidates) {
        return ComparisonDefinition.newBuilder().setComparisonId("c").setUseCase(useCase).setBaselineModel(baseline)
                .setCandidates(new ArrayList<>(List.of(candidates)));
    }

    private static final ComparisonDefinition CURRENT = definition("support", "llama-70b",
            candidate("ft", "llama-a"), candidate("rag", "llama-8b-rag")).build();

    @Test
    void aNewComparisonStartsNoEpochToWarnAbout() {
        assertThat(EpochChange.between(null, CURRENT).startsNewEpoch()).isFalse();
    }

    @Test
    void editsBesidesTheUseCaseAndTheModelsKeepTheEpoch() {
        ComparisonDefinition next = definition("support", "llama-70b",
                CandidateDefinition.newBuilder(candidate("ft", "llama-a")).setRunIds(List.of("ft-final")).build(),
                candidate("rag", "llama-8b-rag"))
                .setMinSuccessRate(0.8).setBasis("CO2E_LOCATION").setFireAfterWindows(5).build();
        assertThat(EpochChange.between(CURRENT, next)).isEqualTo(EpochChange.NONE);
    }

    @Test
    void aCandidatesNewModelRestartsThatCandidateOnly() {
        ComparisonDefinition next = definition("support", "llama-70b",
                candidate("ft", "llama-b"), candidate("rag", "llama-8b-rag")).build();
        EpochChange change = EpochChange.between(CURRENT, next);
        assertThat(change.startsNewEpoch()).isTrue();
        assertThat(change.candidates()).containsExactly("ft");
        assertThat(change.changes()).containsExactly("candidate ft: model llama-a -> llama-b");
    }

    @Test
    void aNewBaselineOrUseCaseRestartsEveryCandidateKept() {
        EpochChange baseline = EpochChange.between(CURRENT, definition("support", "llama-405b",
                candidate("ft", "llama-a"), candidate("rag", "llama-8b-rag")).build());
        assertThat(baseline.candidates()).containsExactly("ft", "rag");
        assertThat(baseline.changes()).containsExactly("baseline model llama-70b -> llama-405b");

        EpochChange useCase = EpochChange.between(CURRENT, definition("triage", "llama-70b",
                candidate("ft", "llama-b"), candidate("rag", "llama-8b-rag")).build());
        assertThat(useCase.candidates()).containsExactly("ft", "rag");
        assertThat(useCase.changes()).containsExactly("use case support -> triage", "candidate ft: model llama-a -> llama-b");
    }

    @Test
    void addedAndRemovedCandidatesHaveNoFiguresToLose() {
        // "rag" is dropped and "prompt" added; "ft" is unchanged
        ComparisonDefinition next = definition("support", "llama-70b",
                candidate("ft", "llama-a"), candidate("prompt", "llama-70b-prompt")).build();
        assertThat(EpochChange.between(CURRENT, next).startsNewEpoch()).isFalse();
    }
}
