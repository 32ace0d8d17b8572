package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.TrainingRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    private final ObjectMapper json = new ObjectMapper();

    private ComparisonDefinition read(String body, List<AvroJson.FieldError> errors) throws Exception {
        return AvroJson.fromJson(json.readTree(body), ComparisonDefinition.class, ComparisonDefinition.getClassSchema(),
                errors);
    }

    @Test
    void aDefinitionWrittenAsJsonReadsBackEqual() throws Exception {
        ComparisonDefinition def = ComparisonDefinition.newBuilder().setComparisonId("cmp").setUseCase("uc")
                .setBaselineModel("big").setHorizonEnd(Instant.parse("2027-03-01T00:00:00Z")).setMinSuccessRate(0.85)
                .setCandidates(List.of(CandidateDefinition.newBuilder().setCandidateId("ft").setModelId("small")
                        .setRunIds(List.of("r1", "r2")).setRetrievalWhPerRequest(null).build()))
                .build();
        ObjectNode out = AvroJson.toJson(def);
        assertThat(out.get("horizonEnd").asText()).isEqualTo("2027-03-01T00:00:00Z");
        assertThat(out.get("minSuccessRate").asDouble()).isEqualTo(0.85);
        assertThat(out.get("horizonSuccessfulTasks").isNull()).isTrue();
        assertThat(out.at("/candidates/0/runIds/1").asText()).isEqualTo("r2");

        List<AvroJson.FieldError> errors = new ArrayList<>();
        assertThat(read(out.toString(), errors)).isEqualTo(def);
        assertThat(errors).isEmpty();
    }

    @Test
    void missingOptionalFieldsTakeTheSchemaDefaults() throws Exception {
        List<AvroJson.FieldError> errors = new ArrayList<>();
        ComparisonDefinition def = read("""
                {"comparisonId": "c", "useCase": "uc", "baselineModel": "big",
                 "candidates": [{"candidateId": "ft", "modelId": "small"}], "horizonEnd": "2027-03-01"}""", errors);
        assertThat(errors).isEmpty();
        assertThat(def.getFireAfterWindows()).isEqualTo(3);
        assertThat(def.getMinBaselineTasks()).isEqualTo(20);
        assertThat(def.getBasis()).isEqualTo("ENERGY");
        assertThat(def.getCandidates().get(0).getKind()).isEqualTo("FINE_TUNE");
        assertThat(def.getHorizonEnd()).isEqualTo(Instant.parse("2027-03-01T00:00:00Z"));
    }

    @Test
    void everyBadFieldIsNamedByItsPath() throws Exception {
        List<AvroJson.FieldError> errors = new ArrayList<>();
        ComparisonDefinition def = read("""
                {"comparisonId": "c", "useCase": 7, "baselineModel": "big", "colour": "red",
                 "candidates": [{"candidateId": "ft", "modelId": "small"}, {"candidateId": "x", "runIds": "r1"}],
                 "fireAfterWindows": 2.5, "horizonEnd": "soon", "minSuccessRate": "high"}""", errors);
        assertThat(def).isNull();
        assertThat(errors).extracting(AvroJson.FieldError::field).containsExactlyInAnyOrder("useCase", "colour",
                "candidates[1].modelId", "candidates[1].runIds", "fireAfterWindows", "horizonEnd", "minSuccessRate");
        assertThat(errors).filteredOn(e -> e.field().equals("colour")).first()
                .extracting(AvroJson.FieldError::message).asString().contains("not a field of ComparisonDefinition");
        assertThat(errors).filteredOn(e -> e.field().equals("candidates[1].modelId")).first()
                .extracting(AvroJson.FieldError::message).isEqualTo("is required");
    }

    @Test
    void aBodyThatIsNotAnObjectIsNamedAsTheBody() throws Exception {
        List<AvroJson.FieldError> errors = new ArrayList<>();
        assertThat(read("[1, 2]", errors)).isNull();
        assertThat(errors).containsExactly(new AvroJson.FieldError("body", "must be a JSON object"));
    }

    @Test
    void aRunsStartCanBeEpochMillis() throws Exception {
        List<AvroJson.FieldError> errors = new ArrayList<>();
        TrainingRun run = AvroJson.fromJson(json.readTree("{\"runId\": \"r\", \"meteredKwh\": 1.5, \"startedAt\": 0}"),
                TrainingRun.class, TrainingRun.getClassSchema(), errors);
        assertThat(errors).isEmpty();
        assertThat(run.getStartedAt()).isEqualTo(Instant.EPOCH);
        assertThat(run.getMeteredKwh()).isEqualTo(1.5);
    }

    @Test
    void aNonFiniteFigureIsNullNotNaN() {
        BasisLedger ledger = BasisLedger.newBuilder().setUnit("Wh").setStatus("NOT_SAVING").setSaved(Double.NaN)
                .setFootprint(10).setPaybackRatio(Double.POSITIVE_INFINITY).build();
        JsonNode out = AvroJson.toJson(ledger);
        assertThat(out.get("saved").isNull()).isTrue();
        assertThat(out.get("paybackRatio").isNull()).isTrue();
        assertThat(out.get("footprint").asDouble()).isEqualTo(10.0);
    }
}
