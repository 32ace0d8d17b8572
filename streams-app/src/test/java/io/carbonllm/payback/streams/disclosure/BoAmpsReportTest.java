package io.carbonllm.payback.streams.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.facility.FactorTable;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BoAmpsReportTest {

    private static final Instant AT = Instant.parse("2026-11-28T06:00:00Z");

    private static TrainingRun.Builder run() {
        return TrainingRun.newBuilder().setRunId("ft-1").setKind("FINE_TUNE").setCandidateModel("llama-3.1-8b-support-ft")
                .setGpuCount(8).setHours(3.5).setAvgPowerWPerGpu(300).setOverheadFactor(1.0).setProvider("aws")
                .setRegion("eu-north-1").setStartedAt(Instant.parse("2026-07-01T08:00:00Z"));
    }

    @Test
    void aMeteredCloudRunCarriesWhatTheFormatRequiresAndWhatTheRunKnows() {
        // Given a fine-tune on 8 GPUs for 3.5 h at aws in eu-north-1, metered 42.5 kWh at the servers
        JsonNode report = BoAmpsReport.of(run().setMeteredKwh(42.5).setMeteredScope("IT").build(),
                FactorTable.defaults(), AT, "2f4643f7-0000-4000-8000-000000000001");

        // Then what BoAmps 1.1.0's report schema requires is there: header.reportDatetime, publisher's
        // confidentialityLevel; task with taskStage, taskFamily, one algorithm and one dataset item (dataUsage,
        // dataType); at least one measure; infrastructure with infraType and components (componentType, nbComponent)
        assertThat(report.at("/header/formatVersion").asText()).isEqualTo("1.1.0");
        assertThat(report.at("/header/reportDatetime").asText()).isEqualTo("2026-11-28 06:00:00");
        assertThat(report.at("/header/publisher/confidentialityLevel").asText()).isEqualTo("internal");
        assertThat(report.at("/task/taskStage").asText()).isEqualTo("finetuning");
        assertThat(report.at("/task/taskFamily").asText()).isNotEmpty();
        assertThat(report.at("/task/algorithms/0/algorithmName").asText()).isEqualTo("llama-3.1-8b-support-ft");
        assertThat(report.at("/task/dataset/0/dataUsage").asText()).isEqualTo("input");
        assertThat(report.at("/task/dataset/0/dataType").asText()).isEqualTo("token");
        // and the run's own reading, as metered, with where it was read; 3.5 h = 12,600 s
        assertThat(report.at("/measures/0/powerConsumption").asDouble()).isEqualTo(42.5);
        assertThat(report.at("/measures/0/measurementMethod").asText()).isEqualTo("meter: IT (servers' draw)");
        assertThat(report.at("/measures/0/measurementDuration").asDouble()).isEqualTo(12_600);
        assertThat(report.at("/measures/0/measurementDateTime").asText()).isEqualTo("2026-07-01 08:00:00");
        assertThat(report.at("/infrastructure/infraType").asText()).isEqualTo("publicCloud");
        assertThat(report.at("/infrastructure/cloudProvider").asText()).isEqualTo("aws");
        assertThat(report.at("/infrastructure/components/0/componentType").asText()).isEqualTo("gpu");
        assertThat(report.at("/infrastructure/components/0/nbComponent").asInt()).isEqualTo(8);
        // eu-north-1 in 2026: the 2025 row, 21 gCO2e/kWh location-based
        assertThat(report.at("/environment/location").asText()).isEqualTo("eu-north-1");
        assertThat(report.at("/environment/powerSourceCarbonIntensity").asDouble()).isEqualTo(21);
        assertThat(report.at("/environment/country").isTextual()).isTrue();
        assertThat(report.at("/quality").asText()).isEqualTo("high");
        // and our figures in words: 42.5 kWh IT x aws's PUE 1.14 = 48.45 kWh facility, Scope 3 Category 1
        assertThat(report.at("/task/taskDescription").asText()).contains("run ft-1").contains("48.45")
                .contains("Scope 3 Category 1");
    }

    @Test
    void anEstimatedOwnedRunReportsItsItEnergyAsAnEstimateOfLowQuality() {
        // 8 GPUs x 3.5 h x 300 W x overhead 1.0 = 8.4 kWh IT energy, on the organisation's own hardware
        JsonNode report = BoAmpsReport.of(run().setProvider(null).build(), FactorTable.defaults(), AT, "id");
        assertThat(report.at("/measures/0/powerConsumption").asDouble()).isCloseTo(8.4, within(1e-12));
        assertThat(report.at("/measures/0/measurementMethod").asText()).startsWith("estimate:");
        assertThat(report.at("/infrastructure/infraType").asText()).isEqualTo("onPremise");
        assertThat(report.at("/infrastructure/cloudProvider").isMissingNode()).isTrue();
        assertThat(report.at("/quality").asText()).isEqualTo("low");
    }
}
