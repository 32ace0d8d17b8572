package io.carbonllm.payback.methodology.footprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OneOffRunValidatorTest {

    private static final Instant T = Instant.parse("2025-06-01T00:00:00Z");

    @Test
    void aValidRunHasNoProblems() {
        assertThat(OneOffRunValidator.problems("r", RunKind.FINE_TUNE, 80, 270, null, 1.0, null, null, T, null)).isEmpty();
        assertThat(OneOffRunValidator.problems("r", RunKind.FINE_TUNE, 0, 0, null, 1.0, 0.0, MeteredScope.IT, T, null))
                .isEmpty();
    }

    @Test
    void everyBadNumberIsNamedWithItsReason() {
        List<String> problems = OneOffRunValidator.problems("r", RunKind.FINE_TUNE, Double.NaN, -1, 0.9,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, null, T, Double.NEGATIVE_INFINITY);
        assertThat(problems).containsExactly(
                "gpuHours must be a finite number >= 0, got NaN",
                "avgPowerWPerGpu must be a finite number >= 0, got -1.0",
                "pue must be a finite number >= 1.0, got 0.9",
                "overheadFactor must be a finite number >= 1.0, got Infinity",
                "meteredKwh must be a finite number >= 0, got Infinity",
                "embodiedGPerGpuHour must be a finite number >= 0, got -Infinity");
    }

    @Test
    void aPueOrOverheadThatIsNotANumberIsRejected() {
        assertThat(OneOffRunValidator.problems("r", RunKind.OTHER, 1, 1, Double.NaN, Double.NaN, null, null, T, null))
                .containsExactly("pue must be a finite number >= 1.0, got NaN",
                        "overheadFactor must be a finite number >= 1.0, got NaN");
    }

    @Test
    void aMeteredScopeNeedsMeteredKwh() {
        assertThat(OneOffRunValidator.problems("r", RunKind.OTHER, 8, 300, null, 1.0, null, MeteredScope.IT, T, null))
                .containsExactly("meteredScope IT is given without meteredKwh");
    }

    @Test
    void aRunNeedsMeteredKwhOrGpuHoursAndPower() {
        assertThat(OneOffRunValidator.problems("r", RunKind.OTHER, 8, 0, null, 1.0, null, null, T, null))
                .singleElement().asString()
                .contains("a run needs meteredKwh, or gpuHours and avgPowerWPerGpu both > 0");
        assertThat(OneOffRunValidator.problems("r", RunKind.OTHER, 0, 300, null, 1.0, null, null, T, null))
                .hasSize(1);
    }

    @Test
    void missingIdentityFieldsAreProblemsToo() {
        assertThat(OneOffRunValidator.problems(" ", null, 1, 1, null, 1.0, null, null, null, null))
                .containsExactly("runId is required", "kind is required (one of FINE_TUNE, RAG_INDEX, OTHER)",
                        "startedAt is required");
    }

    @Test
    void aMissingKindNamesEveryRunKind() {
        // The list in the message is the enum's, so a kind added to RunKind is named without touching the validator
        String problem = OneOffRunValidator.problems("r", null, 1, 1, null, 1.0, null, null, T, null).get(0);
        for (RunKind kind : RunKind.values()) {
            assertThat(problem).contains(kind.name());
        }
    }

    @Test
    void theConstructorThrowsWithEveryProblem() {
        assertThatThrownBy(() -> new OneOffRun("ft-9", RunKind.FINE_TUNE, -5, 300, null, 0.5, null, "eu-north-1", T,
                null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ft-9")
                .hasMessageContaining("gpuHours must be a finite number >= 0, got -5.0")
                .hasMessageContaining("overheadFactor must be a finite number >= 1.0, got 0.5");
        assertThatThrownBy(() -> OneOffRun.metered("m", RunKind.FINE_TUNE, Double.POSITIVE_INFINITY, "eu-north-1", T))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("meteredKwh must be a finite number >= 0, got Infinity");
    }

    @Test
    void meteredKwhWithoutAScopeIsFacilityEnergyAndAnEstimatedRunHasNoScope() {
        assertThat(OneOffRun.metered("m", RunKind.FINE_TUNE, 30, "eu-north-1", T).meteredScope())
                .isEqualTo(MeteredScope.FACILITY);
        assertThat(new OneOffRun("m", RunKind.FINE_TUNE, 0, 0, null, 1.0, 30.0, "eu-north-1", T, null).meteredScope())
                .isEqualTo(MeteredScope.FACILITY);
        assertThat(OneOffRun.estimated("e", RunKind.FINE_TUNE, 8, 10, 270, null, "eu-north-1", T).meteredScope())
                .isNull();
        assertThat(OneOffRun.metered("i", RunKind.FINE_TUNE, 30, MeteredScope.IT, "eu-north-1", "aws", T).meteredScope())
                .isEqualTo(MeteredScope.IT);
    }
}
