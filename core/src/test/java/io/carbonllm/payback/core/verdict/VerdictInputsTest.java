package io.carbonllm.payback.core.verdict;

import static io.carbonllm.payback.core.Traffic.BASELINE_MODEL;
import static io.carbonllm.payback.core.Traffic.COMPARISON;
import static io.carbonllm.payback.core.Traffic.HOUR;
import static io.carbonllm.payback.core.Traffic.T0;
import static io.carbonllm.payback.core.Traffic.USE_CASE;
import static io.carbonllm.payback.core.Traffic.candidate;
import static io.carbonllm.payback.core.Traffic.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.core.EngineDriver;
import io.carbonllm.payback.core.definition.CandidateKind;
import io.carbonllm.payback.core.ledger.Amounts;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verdict from what the stores hold, with every figure from the production engine step ({@link EngineDriver}):
 * the story of {@code VerdictsTest} as traffic. One-hour windows from 2026-01-01T00:00Z, 30 minutes of grace, every
 * request metered in eu-north-1 on Google (21 g/kWh; no market-based figure, so market = location). Each window:
 * <ul>
 *   <li>baseline: 40 successful and 10 failed tasks at 1.6 Wh: 80 Wh / 40 = 2.0 Wh per successful task;</li>
 *   <li>ft: 30 + 2 failed at 0.46875 Wh: 15 Wh / 30 = 0.5 Wh; its run 10 kWh metered at the facility = 10,000 Wh;</li>
 *   <li>rag: 30 + 2 failed at 0.75 Wh: 24 Wh / 30 = 0.8 Wh; its index build 0.8 kWh = 800 Wh.</li>
 * </ul>
 * Windows 0-3 are revised at 50 minutes past their hour; window 4 (rag at 100 Wh a task) at hour 4:50 closes window 3
 * (its end + grace is 4:30) and stays open.
 */
class VerdictInputsTest {

    private static final Duration GRACE = Duration.ofMinutes(30);
    private static final String FT_MODEL = "llama-3.1-8b-triage";
    private static final String RAG_MODEL = "llama-3.1-8b-rag";

    private static Instant hour(int n) {
        return T0.plus(HOUR.multipliedBy(n));
    }

    private static ComparisonDefinition definition() {
        CandidateDefinition rag = CandidateDefinition.newBuilder(candidate("rag", RAG_MODEL, "rag-build"))
                .setKind("RAG").build();
        return ComparisonDefinition.newBuilder()
                .setComparisonId(COMPARISON)
                .setUseCase(USE_CASE)
                .setBaselineModel(BASELINE_MODEL)
                .setCandidates(List.of(candidate("ft", FT_MODEL, "ft-run"), rag))
                .setHorizonEnd(hour(104))
                .setMinSuccessRate(0.75)
                .setMaxSuccessRateDrop(0.05)
                .setSavingRateLookbackWindows(4)
                .build();
    }

    private static TrainingRun run(String runId, double kwh) {
        return TrainingRun.newBuilder().setRunId(runId).setKind("FINE_TUNE").setMeteredKwh(kwh)
                .setMeteredScope("FACILITY").setProvider("google").setRegion("eu-north-1")
                .setStartedAt(Instant.parse("2025-12-01T00:00:00Z")).build();
    }

    private static VariantWindow baseline(int w) {
        return window(BASELINE_MODEL, hour(w)).tasks(40, true, 1.6).tasks(10, false, 1.6).build();
    }

    private static Map<String, VariantWindow> candidates(int w, double ragWhEach) {
        return Map.of("ft", window(FT_MODEL, hour(w)).tasks(30, true, 0.46875).tasks(2, false, 0.46875).build(),
                "rag", window(RAG_MODEL, hour(w)).tasks(30, true, ragWhEach).tasks(2, false, ragWhEach).build());
    }

    /** The story through the engine; {@code ragRun} false leaves rag's index build unpublished. */
    private static EngineDriver story(boolean ragRun) {
        EngineDriver engine = new EngineDriver(definition(), HOUR, GRACE).run(run("ft-run", 10.0));
        if (ragRun) {
            engine.run(run("rag-build", 0.8));
        }
        // A first revision of window 0 with the baseline alone: the store's later revision replaces it
        engine.window(hour(0), baseline(0), Map.of(), hour(0).plus(Duration.ofMinutes(20)));
        for (int w = 0; w < 4; w++) {
            engine.window(hour(w), baseline(w), candidates(w, 0.75), hour(w).plus(Duration.ofMinutes(50)));
        }
        engine.window(hour(4), baseline(4), candidates(4, 100.0), hour(4).plus(Duration.ofMinutes(50)));
        return engine;
    }

    @Test
    void theStoresMapToTheInputAndTheVerdictMatchesTheHandComputation() {
        // Given the story through the engine
        EngineDriver engine = story(true);
        List<PaybackStatus> statuses = List.of(engine.status("ft"), engine.status("rag"));

        // When
        VerdictInput input = VerdictInputs.from(definition(), statuses, engine.comparisonWindows());
        Verdict verdict = Verdicts.decide(input);

        // Then windows 0-4 once each, 0-3 closed (the ledgers closed through hour 4), 4 open
        assertThat(input.windows()).hasSize(5);
        assertThat(input.windows()).filteredOn(VerdictInput.Window::closed).extracting(VerdictInput.Window::start)
                .containsExactlyInAnyOrder(hour(0), hour(1), hour(2), hour(3));
        // window 0 as last revised: baseline 80 Wh, 80 x 21 / 1000 = 1.68 g both ways; 50 tasks, 40 successful
        VerdictInput.Window first = input.windows().stream().filter(w -> w.start().equals(hour(0))).findFirst()
                .orElseThrow();
        assertThat(first.baseline().tasks()).isEqualTo(50);
        assertThat(first.baseline().successfulTasks()).isEqualTo(40);
        assertThat(first.baseline().energy().wh()).isCloseTo(80.0, within(1e-9));
        assertThat(first.baseline().energy().gCo2eLocation()).isCloseTo(1.68, within(1e-9));
        assertThat(first.baseline().energy().gCo2eMarket()).isCloseTo(1.68, within(1e-9));
        assertThat(first.candidates().get("rag").energy().wh()).isCloseTo(24.0, within(1e-9));
        // footprints: 10 kWh = 10,000 Wh (10 x 21 = 210 g) and 0.8 kWh = 800 Wh (16.8 g), metered
        VerdictInput.Variant ft = input.candidates().get(0);
        assertThat(ft.kind()).isEqualTo(CandidateKind.FINE_TUNE);
        assertThat(ft.footprint().wh()).isCloseTo(10_000.0, within(1e-9));
        assertThat(ft.footprint().gCo2eLocation()).isCloseTo(210.0, within(1e-9));
        assertThat(ft.footprintComplete()).isTrue();
        assertThat(ft.footprintTier()).isEqualTo(EvidenceTier.METERED);
        assertThat(input.candidates().get(1).kind()).isEqualTo(CandidateKind.RAG);
        assertThat(input.candidates().get(1).footprint().wh()).isCloseTo(800.0, within(1e-9));
        // 100 successful tasks an hour x 100 h = 10,000: baseline 20,000 Wh, ft 15,000 Wh, rag 8,800 Wh; everything
        // metered
        assertThat(verdict.successfulTasksToHorizon()).isCloseTo(10_000.0, within(1e-6));
        assertThat(verdict.winner().candidateId()).isEqualTo("rag");
        assertThat(verdict.winner().total()).isCloseTo(8_800.0, within(1e-6));
        assertThat(verdict.margin().runnerUp().total()).isCloseTo(15_000.0, within(1e-6));
        assertThat(verdict.provisional()).isFalse();
        assertThat(verdict.summary()).isEqualTo("RAG wins: 41% less energy than ft (fine-tune) over the horizon"
                + " (8.8 kWh against 15 kWh; metered, 4 windows)");
    }

    @Test
    void runsNotYetKnownOrNoStatusYetLeaveTheFootprintIncomplete() {
        // Given rag's index build never published
        EngineDriver engine = story(false);

        // When
        VerdictInput input = VerdictInputs.from(definition(), List.of(engine.status("ft"), engine.status("rag")),
                engine.comparisonWindows());
        VerdictInput noRagStatus = VerdictInputs.from(definition(), List.of(engine.status("ft")),
                engine.comparisonWindows());
        Verdict verdict = Verdicts.decide(input);

        // Then rag's footprint is 0 so far, a lower bound: rag wins at 0 + 8,000 Wh, provisionally
        assertThat(input.candidates().get(1).footprint()).isEqualTo(Amounts.ZERO);
        assertThat(input.candidates().get(1).footprintComplete()).isFalse();
        assertThat(noRagStatus.candidates().get(1).footprintComplete()).isFalse();
        assertThat(verdict.winner().total()).isCloseTo(8_000.0, within(1e-6));
        assertThat(verdict.provisionalReasons()).containsExactly(
                "RAG's footprint is a lower bound: runs charged to it are missing or invalid");
    }

    @Test
    void aCandidatesWindowsOfAnEarlierModelAreNotItsFigures() {
        // Given the story, then rag pointed at a new model: its windows so far were of the old one
        EngineDriver engine = story(true);
        ComparisonDefinition edited = ComparisonDefinition.newBuilder(definition())
                .setCandidates(List.of(candidate("ft", FT_MODEL, "ft-run"),
                        CandidateDefinition.newBuilder(candidate("rag", "llama-3.1-8b-rag-v2", "rag-build"))
                                .setKind("RAG").build()))
                .build();

        // When
        Verdict verdict = Verdicts.decide(VerdictInputs.from(edited,
                List.of(engine.status("ft"), engine.status("rag")), engine.comparisonWindows()));

        // Then rag has no figure, and its old model's tasks are not in the rate: 40 + 30 = 70 an hour x 100 h = 7,000
        // tasks. baseline 2.0 x 7,000 = 14,000 Wh; ft 10,000 + 0.5 x 7,000 = 13,500 Wh: ft wins by 500 Wh,
        // 500 / 14,000 = 3.6 % less, provisionally (rag has no figure)
        assertThat(verdict.variants().get(2).total()).isNull();
        assertThat(verdict.successfulTasksToHorizon()).isCloseTo(7_000.0, within(1e-6));
        assertThat(verdict.winner().candidateId()).isEqualTo("ft");
        assertThat(verdict.margin().absolute()).isCloseTo(500.0, within(1e-6));
        assertThat(verdict.provisionalReasons()).containsExactly(
                "RAG has no energy figure per successful task in the recent closed windows");
        assertThat(verdict.summary()).isEqualTo("ft (fine-tune) wins: 3.6% less energy than the baseline"
                + " (llama-3.1-70b) over the horizon (13.5 kWh against 14 kWh; metered, 4 windows; provisional: RAG"
                + " has no energy figure per successful task in the recent closed windows)");
    }
}
