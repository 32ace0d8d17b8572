package io.carbonllm.payback.sdk.codecarbon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.footprint.RunKind;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.sdk.DropCause;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.sdk.TestTrackers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A training pipeline's path: CodeCarbon's file read by the SDK and recorded through a real tracker, which serializes
 * with an in-memory registry and sends to Kafka's MockProducer. The records on the wire are read back.
 */
class CodeCarbonRecordingTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final PaybackTracker tracker = TestTrackers.sendingTo(
            PaybackTracker.builder().bootstrapServers("unused:9092").schemaRegistry(registry), producer).build();

    @AfterEach
    void close() {
        tracker.close(Duration.ofSeconds(5));
    }

    private List<TrainingRun> sent() {
        AvroDeserializer<TrainingRun> runs = new AvroDeserializer<>(registry, TrainingRun.class);
        return producer.history().stream().map(r -> runs.deserialize(r.topic(), r.value())).toList();
    }

    @Test
    void everyCodeCarbonRunIsSentToTheRunsTopicAsIdDashPositionWithItsMeteredEnergyScopeAndLocation() {
        // Given cloud-v3.csv: three CodeCarbon runs, one row each (lines 2, 3 and 4)
        List<CodeCarbonRun> runs = CodeCarbonRuns.parse("emissions.csv", CodeCarbonFixtures.text("cloud-v3.csv"), null);

        // When a pipeline records them under ft-final, with 12 g embodied per GPU-hour
        List<TrainingRun> queued = CodeCarbonRuns.record(tracker, "ft-final", runs, RunKind.FINE_TUNE,
                "llama-3.1-8b-support-ft", 1.0, 12.0);

        // Then all three go to training-runs, keyed by their run ids, in file order
        assertThat(queued).extracting(TrainingRun::getRunId).containsExactly("ft-final-1", "ft-final-2", "ft-final-3");
        await().atMost(10, TimeUnit.SECONDS).until(() -> tracker.metrics().sent() == 3);
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsOnly("training-runs");
        assertThat(producer.history()).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("ft-final-1", "ft-final-2", "ft-final-3");
        List<TrainingRun> sent = sent();
        assertThat(sent).isEqualTo(queued);
        assertThat(sent).allSatisfy(run -> {
            assertThat(run.getKind()).isEqualTo("FINE_TUNE");
            assertThat(run.getCandidateModel()).isEqualTo("llama-3.1-8b-support-ft");
            assertThat(run.getOverheadFactor()).isEqualTo(1.0);
            assertThat(run.getEmbodiedGPerGpuHour()).isEqualTo(12.0);
            assertThat(run.getAvgPowerWPerGpu()).isZero();
            assertThat(run.getPue()).isNull(); // metered: CodeCarbon's pue is in the scope, ours comes from the tables
        });

        // Line 2: aws eu-north-1, pue 1.2, so its 33.6 kWh already hold the PUE: FACILITY.
        // 8 GPUs; 12600 s = 3.5 h; started 11:30:00 - 3.5 h = 08:00:00.
        TrainingRun aws = sent.get(0);
        assertThat(aws.getMeteredKwh()).isEqualTo(33.6);
        assertThat(aws.getMeteredScope()).isEqualTo("FACILITY");
        assertThat(aws.getGpuCount()).isEqualTo(8);
        assertThat(aws.getHours()).isEqualTo(3.5);
        assertThat(aws.getProvider()).isEqualTo("aws");
        assertThat(aws.getRegion()).isEqualTo("eu-north-1");
        assertThat(aws.getStartedAt()).isEqualTo(Instant.parse("2026-03-02T08:00:00Z"));

        // Line 3: gcp (our google) europe-west4, pue 1.0: its 3.25 kWh are IT energy.
        // 4 GPUs; 5400 s = 1.5 h; started 09:00:00 - 1.5 h = 07:30:00.
        TrainingRun gcp = sent.get(1);
        assertThat(gcp.getMeteredKwh()).isEqualTo(3.25);
        assertThat(gcp.getMeteredScope()).isEqualTo("IT");
        assertThat(gcp.getGpuCount()).isEqualTo(4);
        assertThat(gcp.getHours()).isEqualTo(1.5);
        assertThat(gcp.getProvider()).isEqualTo("google");
        assertThat(gcp.getRegion()).isEqualTo("europe-west4");
        assertThat(gcp.getStartedAt()).isEqualTo(Instant.parse("2026-03-03T07:30:00Z"));

        // Line 4: azure eastus, pue 1.0: 0.5 kWh IT. 2 GPUs; 1800 s = 0.5 h; started 16:45:30 - 0.5 h = 16:15:30.
        TrainingRun azure = sent.get(2);
        assertThat(azure.getMeteredKwh()).isEqualTo(0.5);
        assertThat(azure.getMeteredScope()).isEqualTo("IT");
        assertThat(azure.getGpuCount()).isEqualTo(2);
        assertThat(azure.getHours()).isEqualTo(0.5);
        assertThat(azure.getProvider()).isEqualTo("azure");
        assertThat(azure.getRegion()).isEqualTo("eastus");
        assertThat(azure.getStartedAt()).isEqualTo(Instant.parse("2026-03-04T16:15:30Z"));
    }

    @Test
    void aRunOfCumulativeRowsIsSentOnceWithItsLastRowsTotal() {
        // Given private-infra-v2.csv: run 7762adb3 on lines 2-3 (0.1324, then 0.2344 kWh cumulative), run 5b90c575
        // on line 4 (0.4325 kWh); a Canadian machine, no cloud region, pue 1.0
        List<CodeCarbonRun> runs = CodeCarbonRuns.parse("emissions.csv",
                CodeCarbonFixtures.text("private-infra-v2.csv"), null);

        // When recorded
        CodeCarbonRuns.record(tracker, "qwen-ft", runs, RunKind.FINE_TUNE, null, 1.0, null);

        // Then two records, each with its run's last cumulative total (not 0.1324 + 0.2344 = 0.3668 for the first)
        await().atMost(10, TimeUnit.SECONDS).until(() -> tracker.metrics().sent() == 2);
        List<TrainingRun> sent = sent();
        assertThat(sent).extracting(TrainingRun::getRunId).containsExactly("qwen-ft-1", "qwen-ft-2");
        assertThat(sent).extracting(TrainingRun::getMeteredKwh).containsExactly(0.234404707276623, 0.4324884375862027);
        assertThat(sent).extracting(TrainingRun::getMeteredScope).containsOnly("IT");
        assertThat(sent).extracting(TrainingRun::getRegion).containsOnly("CAN");
        assertThat(sent).extracting(TrainingRun::getGpuCount).containsOnly(1);
        // 10:55:48 - 1592.608108907 s = 10:29:15.391891093, kept to the millisecond (timestamp-millis)
        assertThat(sent.get(0).getStartedAt()).isEqualTo(Instant.parse("2025-10-11T10:29:15.391Z"));
        assertThat(sent.get(0).getCandidateModel()).isNull();
    }

    @Test
    void anInvalidRunIsRefusedNamingItsFileAndLinesAndNothingIsQueued() {
        List<CodeCarbonRun> runs = CodeCarbonRuns.parse("emissions.csv", CodeCarbonFixtures.text("cloud-v3.csv"), null);

        assertThatThrownBy(() -> CodeCarbonRuns.record(tracker, "ft", runs, RunKind.FINE_TUNE, null, 0.5, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid run ft-1 from emissions.csv line 2: overheadFactor must be a finite number "
                        + ">= 1.0, got 0.5");
        assertThatThrownBy(() -> CodeCarbonRuns.record(tracker, "ft", runs, RunKind.FINE_TUNE, null, 1.0, -1.0))
                .hasMessageContaining("embodiedGPerGpuHour must be a finite number >= 0, got -1.0");
        assertThatThrownBy(() -> CodeCarbonRuns.record(tracker, " ", runs, RunKind.FINE_TUNE, null, 1.0, null))
                .hasMessage("id is blank");
        assertThat(tracker.metrics().recorded()).isZero();
    }

    @Test
    void runsTheTrackerDidNotQueueAreLeftOutOfTheResultAndCounted() {
        List<CodeCarbonRun> runs = CodeCarbonRuns.parse("emissions.csv", CodeCarbonFixtures.text("cloud-v3.csv"), null);
        tracker.close(Duration.ofSeconds(5));

        List<TrainingRun> queued = CodeCarbonRuns.record(tracker, "ft", runs, RunKind.FINE_TUNE, null, 1.0, null);

        assertThat(queued).isEmpty();
        assertThat(tracker.metrics().dropped().get(DropCause.CLOSED)).isEqualTo(3);
    }
}
