package io.carbonllm.payback.core.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.footprint.MeteredScope;
import io.carbonllm.payback.methodology.footprint.OneOffRun;
import io.carbonllm.payback.methodology.footprint.RunKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TrainingRunsTest {

    private static final Instant DEC = Instant.parse("2025-12-01T00:00:00Z");

    @Test
    void aRunOnTheTopicMapsToTheMethodologysOneOffRun() {
        // Given 8 GPUs for 2.5 hours at 500 W, on Google in eu-central-1
        TrainingRun run = TrainingRun.newBuilder().setRunId("ft-run-1").setKind("fine_tune").setGpuCount(8)
                .setHours(2.5).setAvgPowerWPerGpu(500).setOverheadFactor(1.2).setProvider("google")
                .setRegion("eu-central-1").setStartedAt(DEC).setEmbodiedGPerGpuHour(30.0).build();

        // When
        OneOffRun mapped = TrainingRuns.toOneOffRun(run);

        // Then 8 x 2.5 = 20 GPU-hours, everything else as given
        assertThat(mapped.runId()).isEqualTo("ft-run-1");
        assertThat(mapped.kind()).isEqualTo(RunKind.FINE_TUNE);
        assertThat(mapped.gpuHours()).isEqualTo(20.0);
        assertThat(mapped.avgPowerWPerGpu()).isEqualTo(500.0);
        assertThat(mapped.overheadFactor()).isEqualTo(1.2);
        assertThat(mapped.pue()).isNull();
        assertThat(mapped.meteredKwh()).isNull();
        assertThat(mapped.provider()).isEqualTo("google");
        assertThat(mapped.region()).isEqualTo("eu-central-1");
        assertThat(mapped.startedAt()).isEqualTo(DEC);
        assertThat(mapped.embodiedGPerGpuHour()).isEqualTo(30.0);
    }

    @Test
    void theMeteredScopeSaysWhetherThePueStillApplies() {
        // Given metered runs with scope it, FACILITY and none
        TrainingRun.Builder metered = TrainingRun.newBuilder().setRunId("m").setMeteredKwh(100.0).setStartedAt(DEC);

        // When
        OneOffRun it = TrainingRuns.toOneOffRun(metered.setMeteredScope("it").build());
        OneOffRun facility = TrainingRuns.toOneOffRun(metered.setMeteredScope("FACILITY").build());
        OneOffRun unsaid = TrainingRuns.toOneOffRun(metered.setMeteredScope(null).build());

        // Then a run that does not say measured the facility
        assertThat(it.meteredScope()).isEqualTo(MeteredScope.IT);
        assertThat(facility.meteredScope()).isEqualTo(MeteredScope.FACILITY);
        assertThat(unsaid.meteredScope()).isEqualTo(MeteredScope.FACILITY);
        assertThat(TrainingRuns.scope(null)).isNull();
    }

    @Test
    void everyProblemNamesItsFieldAndValue() {
        // Given a run with an unknown kind and scope, a negative GPU count, hours that are not a number and no energy
        TrainingRun run = TrainingRun.newBuilder().setRunId("bad").setKind("PRETRAIN").setMeteredScope("RACK")
                .setGpuCount(-1).setHours(Double.NaN).setStartedAt(DEC).setOwnership("rented").build();

        // When, Then
        assertThat(TrainingRuns.problems(run))
                .anySatisfy(p -> assertThat(p).contains("kind must be one of FINE_TUNE, RAG_INDEX, OTHER, got PRETRAIN"))
                .anySatisfy(p -> assertThat(p).contains("meteredScope must be one of IT, FACILITY, got RACK"))
                .anySatisfy(p -> assertThat(p).contains("gpuCount must be >= 0, got -1"))
                .anySatisfy(p -> assertThat(p).contains("hours must be a finite number >= 0, got NaN"))
                .anySatisfy(p -> assertThat(p).contains("ownership must be one of owned, colocated, cloud, api, got rented"));
        assertThatThrownBy(() -> TrainingRuns.toOneOffRun(run)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid training run bad: ");
    }

    @Test
    void aScopeWithoutMeteredEnergyOrARunWithNoEnergyAtAllIsRejected() {
        // Given, When
        TrainingRun scopeOnly = TrainingRun.newBuilder().setRunId("s").setMeteredScope("IT").setStartedAt(DEC).build();
        TrainingRun idle = TrainingRun.newBuilder().setRunId("i").setGpuCount(8).setHours(2.0).setStartedAt(DEC).build();

        // Then
        assertThat(TrainingRuns.problems(scopeOnly)).anySatisfy(p -> assertThat(p).contains("without meteredKwh"));
        assertThat(TrainingRuns.problems(idle)).anySatisfy(p -> assertThat(p).contains("a run needs meteredKwh"));
    }
}
