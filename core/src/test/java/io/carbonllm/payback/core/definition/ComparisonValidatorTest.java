package io.carbonllm.payback.core.definition;

import static io.carbonllm.payback.core.Traffic.BASELINE_MODEL;
import static io.carbonllm.payback.core.Traffic.candidate;
import static io.carbonllm.payback.core.Traffic.definition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.ComparisonDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonValidatorTest {

    @Test
    void aDefinitionWithItsDefaultsIsValid() {
        // Given, When
        ComparisonDefinition def = definition("ft-run-1").build();

        // Then
        assertThat(ComparisonValidator.problems(def)).isEmpty();
        assertThat(ComparisonValidator.requireValid(def)).isSameAs(def);
    }

    @Test
    void aMaximumDropAgainstAPinnedBaselineNeedsThePinnedSuccessRate() {
        // Given a pinned 3.125 Wh per successful task and a maximum drop of 0.05, without and with a pinned rate
        ComparisonDefinition withoutRate = definition().setPinnedBaselineWhPerSuccessfulTask(3.125)
                .setMaxSuccessRateDrop(0.05).build();
        ComparisonDefinition withRate = ComparisonDefinition.newBuilder(withoutRate).setPinnedBaselineSuccessRate(0.8)
                .build();

        // When
        List<String> problems = ComparisonValidator.problems(withoutRate);

        // Then without the rate the quality bar could not be evaluated in pinned windows: rejected
        assertThat(problems).singleElement().asString()
                .contains("maxSuccessRateDrop").contains("pinnedBaselineSuccessRate");
        assertThat(ComparisonValidator.problems(withRate)).isEmpty();
    }

    @Test
    void aPinnedRateWithoutAPinnedFigureIsRejected() {
        // Given, When
        List<String> problems = ComparisonValidator.problems(definition().setPinnedBaselineSuccessRate(0.8).build());

        // Then
        assertThat(problems).singleElement().asString()
                .contains("pinnedBaselineSuccessRate is given without pinnedBaselineWhPerSuccessfulTask");
    }

    @Test
    void everyProblemNamesItsFieldAndValue() {
        // Given a definition wrong in ten ways
        ComparisonDefinition def = definition()
                .setCandidates(List.of(candidate("ft", BASELINE_MODEL), candidate("ft", "other-model")))
                .setMinSuccessRate(1.5)
                .setFireAfterWindows(0)
                .setResolveAfterWindows(LedgerLimits.MAX_STREAK_WINDOWS + 1)
                .setSavingRateLookbackWindows(LedgerLimits.MAX_LOOKBACK_WINDOWS + 1)
                .setMinBaselineTasks(0)
                .setHorizonSuccessfulTasks(0L)
                .setPinnedBaselineWhPerSuccessfulTask(Double.NaN)
                .setBasis("WATTS")
                .build();

        // When
        List<String> problems = ComparisonValidator.problems(def);

        // Then
        assertThat(problems).hasSize(10).anySatisfy(p -> assertThat(p).contains("'ft' appears twice"))
                .anySatisfy(p -> assertThat(p).contains("is the baseline model"))
                .anySatisfy(p -> assertThat(p).contains("minSuccessRate must be in [0, 1], got 1.5"))
                .anySatisfy(p -> assertThat(p).contains("fireAfterWindows must be in [1, 100], got 0"))
                .anySatisfy(p -> assertThat(p).contains("resolveAfterWindows must be in [1, 100], got 101"))
                .anySatisfy(p -> assertThat(p).contains("savingRateLookbackWindows must be in [1, 1440], got 1441"))
                .anySatisfy(p -> assertThat(p).contains("minBaselineTasks must be at least 1, got 0"))
                .anySatisfy(p -> assertThat(p).contains("horizonSuccessfulTasks must be at least 1, got 0"))
                .anySatisfy(p -> assertThat(p).contains("pinnedBaselineWhPerSuccessfulTask").contains("NaN"))
                .anySatisfy(p -> assertThat(p).contains("basis must be one of ENERGY, CO2E_LOCATION, CO2E_MARKET"));
        assertThatThrownBy(() -> ComparisonValidator.requireValid(def))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid comparison triage").hasMessageContaining("basis must be one of");
    }

    @Test
    void twoCandidatesOnOneModelAreRefusedNamingBoth() {
        // Traffic is windowed per (use case, model): two candidates on one model would be one variant counted twice
        ComparisonDefinition def = definition()
                .setCandidates(List.of(candidate("ft-a", "ft-model"), candidate("ft-b", "ft-model"))).build();
        assertThat(ComparisonValidator.problems(def)).containsExactly("candidates ft-a and ft-b both use model "
                + "'ft-model': a variant is its model id, so each candidate needs its own");
    }

    @Test
    void theMaximaOfTheLedgerLimitsAreAccepted() {
        // Given, When
        ComparisonDefinition def = definition().setFireAfterWindows(LedgerLimits.MAX_STREAK_WINDOWS)
                .setResolveAfterWindows(LedgerLimits.MAX_STREAK_WINDOWS)
                .setSavingRateLookbackWindows(LedgerLimits.MAX_LOOKBACK_WINDOWS).setBasis("co2e_market").build();

        // Then
        assertThat(ComparisonValidator.problems(def)).isEmpty();
    }
}
