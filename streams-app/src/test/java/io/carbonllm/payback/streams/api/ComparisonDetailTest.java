package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.VariantWindow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/comparisons/{id}} over real HTTP, its stores held by {@link OfflineStreams} (no broker): the verdict
 * with a horizon and a winner, each figure computed by hand below.
 *
 * <p>The story, one-hour windows from 2026-01-01T00:00Z, every variant meeting the quality bar (all tasks succeed;
 * minSuccessRate 0.8). Windows 0-2 are closed (the ledgers are closed through 03:00), window 3 is open:
 * <ul>
 *   <li>baseline: 40 successful tasks a window, 80 Wh metered: 2.0 Wh per successful task;</li>
 *   <li>ft (fine-tune): 20 successful tasks, 10 Wh metered: 0.5 Wh; its run 5,000 Wh (metered);</li>
 *   <li>rag: 20 successful tasks, 18 of 20 requests priced (coverage 0.9) at 14.4 Wh benchmarked, so 14.4 x 20 / 18 =
 *       16 Wh: 0.8 Wh; its index build 1,000 Wh (metered);</li>
 *   <li>window 3 (open): ft at 100 Wh a task, which must not count.</li>
 * </ul>
 * The rate: 3 x (40 + 20 + 20) = 240 successful tasks in 3 h = 1,920 a day; the horizon ends 5 days after the latest
 * closed window (03:00 + 5 d), so N = 1,920 x 5 = 9,600 successful tasks for every variant. Totals:
 * baseline 2.0 x 9,600 = 19,200 Wh; ft 5,000 + 0.5 x 9,600 = 9,800 Wh; rag 1,000 + 0.8 x 9,600 = 8,680 Wh.
 * So rag wins (the higher figure per task, the lighter one-off), ft is the runner-up by 9,800 - 8,680 = 1,120 Wh,
 * 1,120 / 9,800 = 0.1142857 of its total.
 */
class ComparisonDetailTest {

    private static final int PARTITIONS = 2;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);
    static final String USE_CASE = "uc-triage";

    @TempDir
    Path dir;
    private OfflineApi api;

    private static Instant hour(int n) {
        return T0.plus(HOUR.multipliedBy(n));
    }

    @BeforeEach
    void start() {
        api = new OfflineApi(dir, PARTITIONS, Map.of()).ownAll(PARTITIONS);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    static ComparisonDefinition definition(String id, String useCase) {
        return ComparisonDefinition.newBuilder()
                .setComparisonId(id)
                .setUseCase(useCase)
                .setBaselineModel("base-m")
                .setCandidates(List.of(
                        CandidateDefinition.newBuilder().setCandidateId("ft").setModelId("ft-m")
                                .setRunIds(List.of("run-ft")).build(),
                        CandidateDefinition.newBuilder().setCandidateId("rag").setModelId("rag-m").setKind("RAG")
                                .setRunIds(List.of("run-rag")).build()))
                .setHorizonEnd(hour(3).plus(Duration.ofDays(5)))
                .setMinSuccessRate(0.8)
                .setMinBaselineTasks(10)
                .setSavingRateLookbackWindows(3)
                .build();
    }

    /** {@code tasks} successful tasks, {@code covered} of them priced at {@code coveredWh} in all. */
    private static VariantWindow variant(String model, int w, long tasks, long covered, double coveredWh,
                                         String tier) {
        return VariantWindow.newBuilder()
                .setUseCase(USE_CASE).setModelId(model).setWindowStart(hour(w)).setWindowEnd(hour(w + 1))
                .setRequests(tasks).setSuccesses(tasks).setFailures(0).setTasks(tasks)
                .setInputTokens(tasks * 100).setCachedInputTokens(0).setOutputTokens(tasks * 50)
                .setSuccessRate(1.0).setCoveredRequests(covered).setEnergyCoverage((double) covered / tasks)
                .setEnergyTier(tier).setFacilityWh(coveredWh).setGCo2eLocation(coveredWh * 0.021)
                .setGCo2eMarket(coveredWh * 0.021).setWhPerSuccessfulTask(coveredWh / covered)
                .build();
    }

    private static ComparisonWindow window(String id, int w, double ftWh) {
        return ComparisonWindow.newBuilder()
                .setComparisonId(id).setUseCase(USE_CASE).setWindowStart(hour(w)).setWindowEnd(hour(w + 1))
                .setBaseline(variant("base-m", w, 40, 40, 80.0, "METERED"))
                .setBaselineSource("WINDOW")
                .setBaselineWhPerSuccessfulTask(2.0)
                .setCandidates(List.of(
                        CandidateWindow.newBuilder().setCandidateId("ft").setModelId("ft-m")
                                .setWindow(variant("ft-m", w, 20, 20, ftWh, "METERED")).setPriced(true).build(),
                        CandidateWindow.newBuilder().setCandidateId("rag").setModelId("rag-m")
                                .setWindow(variant("rag-m", w, 20, 18, 14.4, "BENCHMARKED")).setPriced(true).build()))
                .build();
    }

    private static BasisLedger basis(String unit, double footprint) {
        return BasisLedger.newBuilder().setUnit(unit).setStatus("PAYING_BACK").setSaved(0.0).setFootprint(footprint)
                .setPaybackRatio(0.0).build();
    }

    /** The ledger of a candidate whose windows are closed through 03:00, with its footprint. */
    static LedgerState ledger(String id, String candidate, String model, String kind, double footprintWh) {
        PaybackStatus status = PaybackStatus.newBuilder()
                .setComparisonId(id).setCandidateId(candidate).setUseCase(USE_CASE).setModelId(model)
                .setCandidateKind(kind).setBasis("ENERGY").setStatus("PAYING_BACK").setEpochStart(T0)
                .setEnergy(basis("Wh", footprintWh))
                .setCo2eLocation(basis("gCO2e", footprintWh * 0.021))
                .setCo2eMarket(basis("gCO2e", footprintWh * 0.021))
                .setSuccessfulTasks(60).setUnpricedSuccessfulTasks(0).setWindowsCounted(4)
                .setHorizonEnd(hour(3).plus(Duration.ofDays(5)))
                .setClosedThrough(hour(3)).setSavingTier("METERED").setFootprintTier("METERED")
                .setEnergyCoverage(1.0).setBaselineSources(Map.of("WINDOW", 3L)).setMarketFallback(false)
                .setFactorRows(List.of()).setRunIdsMissing(List.of()).setLateRevisionsIgnored(0)
                .build();
        return LedgerState.newBuilder().setComparisonId(id).setCandidateId(candidate).setLastStatus(status).build();
    }

    /** The story of the class comment, under comparison {@code id}. */
    static void story(OfflineStreams streams, String id) {
        streams.define(definition(id, USE_CASE));
        streams.ledger(ledger(id, "ft", "ft-m", "FINE_TUNE", 5_000.0), USE_CASE);
        streams.ledger(ledger(id, "rag", "rag-m", "RAG", 1_000.0), USE_CASE);
        for (int w = 0; w < 3; w++) {
            streams.window(window(id, w, 10.0));
        }
        streams.window(window(id, 3, 2_000.0)); // open: 100 Wh a task for ft
    }

    @Test
    void theVerdictWithAHorizonNamesTheWinnerTheMarginTheRankingAndEachVariantsTotals() {
        // Given
        story(api.streams, "cmp-verdict");

        // When
        ApiClient.Response r = api.client.get("/api/comparisons/cmp-verdict");

        // Then (the figures of the class comment)
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode verdict = r.json().get("verdict");
        assertThat(verdict.get("basis").asText()).isEqualTo("ENERGY");
        assertThat(verdict.get("unit").asText()).isEqualTo("Wh");
        assertThat(verdict.get("noWinner").isNull()).isTrue();
        assertThat(verdict.get("winner").asText()).isEqualTo("rag");
        assertThat(verdict.at("/margin/runnerUp").asText()).isEqualTo("ft");
        assertThat(verdict.at("/margin/absolute").asDouble()).isCloseTo(1_120.0, within(1e-6));
        assertThat(verdict.at("/margin/relative").asDouble()).isCloseTo(1_120.0 / 9_800.0, within(1e-9));
        assertThat(verdict.get("ranking")).extracting(JsonNode::asText).containsExactly("rag", "ft", "baseline");
        assertThat(verdict.get("tied")).isEmpty();
        assertThat(verdict.get("successfulTasksPerDay").asDouble()).isCloseTo(1_920.0, within(1e-6));
        assertThat(verdict.get("successfulTasksToHorizon").asDouble()).isCloseTo(9_600.0, within(1e-6));
        assertThat(verdict.at("/horizon/end").asText()).isEqualTo("2026-01-06T03:00:00Z");
        assertThat(verdict.get("asOf").asText()).isEqualTo("2026-01-01T03:00:00Z");
        // Three closed windows, 00:00 to 03:00; rag's benchmarked energy is the weakest evidence, its 0.9 the coverage
        assertThat(verdict.at("/windows/count").asInt()).isEqualTo(3);
        assertThat(verdict.at("/windows/from").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(verdict.at("/windows/to").asText()).isEqualTo("2026-01-01T03:00:00Z");
        assertThat(verdict.get("weakestTier").asText()).isEqualTo("BENCHMARKED");
        assertThat(verdict.get("lowestEnergyCoverage").asDouble()).isCloseTo(0.9, within(1e-9));
        assertThat(verdict.get("provisional").asBoolean()).as(verdict.get("provisionalReasons").toString()).isFalse();

        JsonNode variants = verdict.get("variants");
        assertThat(variants).extracting(v -> v.get("id").asText()).containsExactly("baseline", "ft", "rag");
        // id, footprint, per successful task, projected inference (per task x 9,600), total
        Object[][] expected = {
            {"baseline", 0.0, 2.0, 19_200.0, 19_200.0},
            {"ft", 5_000.0, 0.5, 4_800.0, 9_800.0},
            {"rag", 1_000.0, 0.8, 7_680.0, 8_680.0},
        };
        for (int i = 0; i < expected.length; i++) {
            JsonNode v = variants.get(i);
            String what = (String) expected[i][0];
            assertThat(v.get("footprint").asDouble()).as(what).isCloseTo((double) expected[i][1], within(1e-9));
            assertThat(v.get("perSuccessfulTask").asDouble()).as(what).isCloseTo((double) expected[i][2], within(1e-9));
            assertThat(v.get("projectedInference").asDouble()).as(what).isCloseTo((double) expected[i][3], within(1e-6));
            assertThat(v.get("total").asDouble()).as(what).isCloseTo((double) expected[i][4], within(1e-6));
            assertThat(v.get("windows").asInt()).as(what).isEqualTo(3);
            assertThat(v.get("meetsQualityBar").asBoolean()).as(what).isTrue();
        }
        assertThat(variants.get(2).get("tier").asText()).isEqualTo("BENCHMARKED");
        assertThat(variants.get(1).get("footprintComplete").asBoolean()).isTrue();
        // The sentence: 0.114 is 11% less; 8,680 Wh and 9,800 Wh in kWh
        assertThat(verdict.get("summary").asText()).isEqualTo("RAG wins: 11% less energy than ft (fine-tune) over the"
                + " horizon (8.68 kWh against 9.8 kWh; benchmarked, 3 windows)");
    }

    @Test
    void theAlertHistoryIsNotPresentedAsCompleteWhileTheSourceCatchesUpOrOnceTransitionsWereDropped() {
        // Given one transition read so far, the source not yet at the end offsets it saw at start
        story(api.streams, "cmp-alerts");
        AlertHistory history = api.server.alertHistory();
        history.add(AlertHistoryTest.alert("cmp-alerts", 0));

        // Then the 200 carries what was read, and says it may be partial
        JsonNode loading = api.client.get("/api/comparisons/cmp-alerts").json();
        assertThat(loading.get("alertHistory")).hasSize(1);
        assertThat(loading.get("alertHistoryComplete").asBoolean()).isFalse();
        assertThat(loading.get("alertHistoryIncompleteReason").asText()).isEqualTo("LOADING");

        // When the source has caught up: whole
        history.caughtUp();
        JsonNode whole = api.client.get("/api/comparisons/cmp-alerts").json();
        assertThat(whole.get("alertHistoryComplete").asBoolean()).isTrue();
        assertThat(whole.get("alertHistoryIncompleteReason").isNull()).isTrue();
        assertThat(whole.at("/alertHistory/0/message").asText()).isEqualTo("transition 0");

        // When 200 more arrive (201 in all, over the bound of 200): the oldest is dropped, and that is said
        for (int n = 1; n <= AlertHistory.PER_COMPARISON; n++) {
            history.add(AlertHistoryTest.alert("cmp-alerts", n));
        }
        JsonNode truncated = api.client.get("/api/comparisons/cmp-alerts").json();
        assertThat(truncated.get("alertHistory")).hasSize(AlertHistory.PER_COMPARISON);
        assertThat(truncated.at("/alertHistory/0/message").asText()).isEqualTo("transition 1");
        assertThat(truncated.get("alertHistoryComplete").asBoolean()).isFalse();
        assertThat(truncated.get("alertHistoryIncompleteReason").asText()).isEqualTo("TRUNCATED");
    }
}
