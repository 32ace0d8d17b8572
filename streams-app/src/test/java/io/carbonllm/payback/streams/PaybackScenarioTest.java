package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.streams.state.StoreNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payback engine, window by window. Every request carries metered energy, on Google (PUE 1.09) in eu-north-1
 * (21 gCO2e/kWh from 2025-01-01), in January 2026; windows are 60 s with 30 s grace. So:
 * <ul>
 *   <li>a baseline request metered at 1.0 Wh costs 1.09 Wh of facility energy;</li>
 *   <li>a candidate request metered at 0.5 Wh costs 0.545 Wh; at 1.2 Wh it costs 1.308 Wh.</li>
 * </ul>
 * With every request successful, the saving per successful task is 1.09 - 0.545 = 0.545 Wh, and a window of 10
 * candidate tasks contributes 5.45 Wh. The fine-tune's one-off run is metered at 0.01 kWh = 10 Wh.
 */
class PaybackScenarioTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String UC = "support";
    private static final String BASE = "big-model";
    private static final String SMALL = "small-model";
    private static final String LEDGER = "cmp-1/ft";

    @TempDir
    Path stateDir;
    private TopologyFixture fx;
    private int seq;

    @BeforeEach
    void setUp() {
        fx = new TopologyFixture(stateDir);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static ComparisonDefinition.Builder comparison(CandidateDefinition... candidates) {
        return ComparisonDefinition.newBuilder()
                .setComparisonId("cmp-1").setUseCase(UC).setBaselineModel(BASE)
                .setCandidates(List.of(candidates))
                .setMinBaselineTasks(2).setFireAfterWindows(3).setResolveAfterWindows(2);
    }

    private static CandidateDefinition candidate(String id, String model, String... runIds) {
        return CandidateDefinition.newBuilder().setCandidateId(id).setModelId(model).setRunIds(List.of(runIds)).build();
    }

    private static TrainingRun run(String runId, double meteredKwh) {
        return TrainingRun.newBuilder().setRunId(runId).setMeteredKwh(meteredKwh).setRegion("eu-north-1")
                .setStartedAt(Instant.parse("2025-12-01T00:00:00Z")).build();
    }

    /** {@code n} successful requests of {@code model} in window {@code w} ([T0 + 60w, T0 + 60w + 60) s), metered. */
    private void requests(String model, int w, int n, double meteredWh) {
        requests(model, w, n, n, meteredWh);
    }

    private void requests(String model, int w, int n, int successes, double meteredWh) {
        for (int i = 0; i < n; i++) {
            InferenceEvent e = InferenceEvent.newBuilder()
                    .setEventId("e" + (++seq)).setEventTime(T0.plusSeconds(60L * w + 1 + i % 50))
                    .setGateway("gw").setUseCase(UC).setModelId(model).setProvider("google").setRegion("eu-north-1")
                    .setInputTokens(100).setOutputTokens(10).setSuccess(i < successes).setMeteredEnergyWh(meteredWh)
                    .build();
            fx.pipe(e);
        }
    }

    private PaybackStatus lastStatus() {
        List<PaybackStatus> statuses = fx.paybackStatus.readValuesToList();
        assertThat(statuses).as("published statuses").isNotEmpty();
        return statuses.get(statuses.size() - 1);
    }

    private LedgerState ledger() {
        KeyValueStore<String, LedgerState> store = fx.driver.getKeyValueStore(StoreNames.PAYBACK_LEDGER);
        return store.get(LEDGER);
    }

    @Test
    void aFineTunePaysBackAfterKSuccessfulTasks() {
        // Given the comparison and the fine-tune's run (10 Wh metered)
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));

        // When window 0 has 10 baseline and 10 candidate tasks
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);

        // Then the ledger holds 10 x 0.545 = 5.45 Wh of 10 Wh: ratio 0.545, still paying back
        PaybackStatus first = lastStatus();
        assertThat(first.getStatus()).isEqualTo("PAYING_BACK");
        assertThat(first.getFootprintKwh()).isCloseTo(0.01, within(1e-12));
        assertThat(first.getFootprintTier()).isEqualTo("METERED");
        assertThat(first.getCumulativeSavingWh()).isCloseTo(5.45, within(1e-9));
        assertThat(first.getSuccessfulTasks()).isEqualTo(10);
        assertThat(first.getPaybackRatio()).isCloseTo(0.545, within(1e-9));
        // break-even = 10 Wh / 0.545 Wh = 18.35 successful tasks: the projection says 18.35 in all
        assertThat(first.getProjectedBreakEvenSuccessfulTasks()).isCloseTo(18.348624, within(1e-6));
        // CO2e: saving 0.545 Wh x 21 / 1000 = 0.011445 g per task x 10 = 0.11445 g; footprint 10 Wh x 21 = 0.21 g
        assertThat(first.getCumulativeSavingGCo2eLocation()).isCloseTo(0.11445, within(1e-9));
        assertThat(first.getPaybackRatioCo2e()).isCloseTo(0.545, within(1e-9));

        // When window 1 repeats it (stream time moves past window 0's grace, too)
        requests(BASE, 1, 10, 1.0);
        requests(SMALL, 1, 10, 0.5);

        // Then 20 tasks x 0.545 = 10.9 Wh >= 10 Wh: paid back, ratio 1.09
        PaybackStatus second = lastStatus();
        assertThat(second.getStatus()).isEqualTo("PAID_BACK");
        assertThat(second.getCumulativeSavingWh()).isCloseTo(10.9, within(1e-9));
        assertThat(second.getSuccessfulTasks()).isEqualTo(20);
        assertThat(second.getPaybackRatio()).isCloseTo(1.09, within(1e-9));

        // And the comparison window says where the baseline came from and what the candidate saved
        List<ComparisonWindow> windows = fx.comparisonWindows.readValuesToList();
        ComparisonWindow last = windows.get(windows.size() - 1);
        assertThat(last.getBaselineSource()).isEqualTo("WINDOW");
        assertThat(last.getBaselineWhPerSuccessfulTask()).isCloseTo(1.09, within(1e-9));
        assertThat(last.getCandidates().get(0).getSavingWhPerSuccessfulTask()).isCloseTo(0.545, within(1e-9));
        // And the ledger store agrees with the topic
        assertThat(ledger().getCumulativeSavingWh()).isCloseTo(10.9, within(1e-9));
    }

    @Test
    void aCandidateThatCostsMoreNeverPaysBackAndFiresNotSaving() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));

        // When three windows each have the candidate at 1.308 Wh per task against the baseline's 1.09
        for (int w = 0; w < 3; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 1.2);
        }

        // Then the saving is 1.09 - 1.308 = -0.218 Wh per task, x 30 tasks = -6.54 Wh: it never pays back
        PaybackStatus status = lastStatus();
        assertThat(status.getStatus()).isEqualTo("NOT_SAVING");
        assertThat(status.getCumulativeSavingWh()).isCloseTo(-6.54, within(1e-9));
        assertThat(status.getProjectedBreakEvenAt()).isNull();
        // And NOT_SAVING fired exactly once, at the third window
        List<PaybackAlert> alerts = fx.paybackAlerts.readValuesToList();
        assertThat(alerts).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("NOT_SAVING", "FIRING"));
        assertThat(alerts.get(0).getWindowStart()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void driftFiresNotSavingOnceAndRecoveryResolvesItOnce() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));

        // Given two good windows (saving 0.545 Wh per task)
        for (int w = 0; w < 2; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 0.5);
        }
        // When it drifts for three windows: prompts grow (1.2 Wh metered) and half the tasks fail:
        //   1.308 Wh x 10 requests / 5 successes = 2.616 Wh per task > 1.09
        for (int w = 2; w < 5; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 5, 1.2);
        }
        // Then NOT_SAVING fired once, at window 4 (the third bad one)
        List<PaybackAlert> fired = fx.paybackAlerts.readValuesToList();
        assertThat(fired).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("NOT_SAVING", "FIRING"));
        assertThat(fired.get(0).getWindowStart()).isEqualTo(T0.plusSeconds(240));
        KeyValueStore<String, PaybackAlert> open = fx.driver.getKeyValueStore(StoreNames.OPEN_ALERTS);
        assertThat(open.get(LEDGER + "/NOT_SAVING")).isNotNull();

        // When it recovers for two windows
        for (int w = 5; w < 7; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 0.5);
        }
        // Then it resolved once, at window 6 (the second good one), and nothing is open
        List<PaybackAlert> resolved = fx.paybackAlerts.readValuesToList();
        assertThat(resolved).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("NOT_SAVING", "RESOLVED"));
        assertThat(resolved.get(0).getWindowStart()).isEqualTo(T0.plusSeconds(360));
        assertThat(open.get(LEDGER + "/NOT_SAVING")).isNull();
    }

    @Test
    void lateRecordsWithinGraceReviseAWindowWithoutDoubleCounting() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 1.0));   // 1,000 Wh: far from paid back

        // Given window 0 with 10 + 10 tasks, and stream time at window 1 (70 s: window 0 open until 90 s)
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        fx.pipe(InferenceEvent.newBuilder().setEventId("tick").setEventTime(T0.plusSeconds(70)).setGateway("gw")
                .setUseCase(UC).setModelId("unrelated").setInputTokens(1).setOutputTokens(1).setSuccess(true).build());
        // When 5 more candidate tasks for window 0 arrive late, within grace
        requests(SMALL, 0, 5, 0.5);

        // Then window 0 counts 15 candidate tasks once: 15 x 0.545 = 8.175 Wh (not 5.45 + 8.175)
        PaybackStatus status = lastStatus();
        assertThat(status.getSuccessfulTasks()).isEqualTo(15);
        assertThat(status.getCumulativeSavingWh()).isCloseTo(8.175, within(1e-9));
        assertThat(ledger().getWindowsCounted()).isEqualTo(1);
    }

    @Test
    void aTrainingRunArrivingAfterTheTrafficIsCharged() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        // Given traffic, and no run yet: the ledger cannot judge
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        PaybackStatus before = lastStatus();
        assertThat(before.getStatus()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(before.getRunIdsMissing()).containsExactly("run-1");
        assertThat(before.getCumulativeSavingWh()).isCloseTo(5.45, within(1e-9));

        // When the run arrives (10 Wh) and the ledger refreshes (wall clock)
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));

        // Then it is charged: 5.45 of 10 Wh
        PaybackStatus after = lastStatus();
        assertThat(after.getStatus()).isEqualTo("PAYING_BACK");
        assertThat(after.getRunIdsMissing()).isEmpty();
        assertThat(after.getFootprintKwh()).isCloseTo(0.01, within(1e-12));
        assertThat(after.getPaybackRatio()).isCloseTo(0.545, within(1e-9));
    }

    @Test
    void aCorrectedTrainingRunReplacesTheOldOne() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);

        // When run-1 is corrected to 0.02 kWh
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.02));
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));

        // Then the footprint is 20 Wh (replaced, not 10 + 20): ratio 5.45 / 20 = 0.2725
        PaybackStatus status = lastStatus();
        assertThat(status.getFootprintKwh()).isCloseTo(0.02, within(1e-12));
        assertThat(status.getPaybackRatio()).isCloseTo(0.2725, within(1e-9));
    }

    @Test
    void aThinBaselineWindowUsesTheTrailingReference() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 1.0));
        // Given two windows with enough baseline tasks (1.09 Wh per task) ...
        for (int w = 0; w < 2; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 0.5);
        }
        // When window 2 has one baseline task only (fewer than minBaselineTasks = 2), at 2.0 Wh metered
        requests(BASE, 2, 1, 2.0);
        requests(SMALL, 2, 10, 0.5);

        // Then window 2 compares against the trailing reference of windows 0 and 1: 1.09 Wh per task, not 2.18
        List<ComparisonWindow> windows = fx.comparisonWindows.readValuesToList();
        ComparisonWindow last = windows.get(windows.size() - 1);
        assertThat(last.getWindowStart()).isEqualTo(T0.plusSeconds(120));
        assertThat(last.getBaselineSource()).isEqualTo("TRAILING_REFERENCE");
        assertThat(last.getBaselineWhPerSuccessfulTask()).isCloseTo(1.09, within(1e-9));
        assertThat(last.getCandidates().get(0).getSavingWhPerSuccessfulTask()).isCloseTo(0.545, within(1e-9));
        // and the ledger counted 30 tasks x 0.545 = 16.35 Wh
        assertThat(lastStatus().getCumulativeSavingWh()).isCloseTo(16.35, within(1e-9));
    }

    @Test
    void twoCandidatesHaveTheirOwnLedgers() {
        // Given a fine-tune (run-1, 10 Wh) and a prompt rewrite with no one-off cost
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1"), candidate("prompt", "big-model-short")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        // When window 0 has the baseline at 1.09 Wh, the fine-tune at 0.545 Wh and the prompt rewrite at 0.872 Wh
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        requests("big-model-short", 0, 4, 0.8);

        // Then each has its own status: fine-tune 5.45 of 10 Wh; prompt rewrite 4 x (1.09 - 0.872) = 0.872 Wh of 0: paid back
        Map<String, PaybackStatus> byKey = fx.paybackStatus.readKeyValuesToMap();
        assertThat(byKey.get("cmp-1/ft").getCumulativeSavingWh()).isCloseTo(5.45, within(1e-9));
        assertThat(byKey.get("cmp-1/ft").getStatus()).isEqualTo("PAYING_BACK");
        assertThat(byKey.get("cmp-1/prompt").getCumulativeSavingWh()).isCloseTo(0.872, within(1e-9));
        assertThat(byKey.get("cmp-1/prompt").getStatus()).isEqualTo("PAID_BACK");
        assertThat(byKey.get("cmp-1/prompt").getPaybackRatio()).isNull();
    }

    @Test
    void aProjectionPastTheHorizonFiresBreakEvenBeyondHorizon() {
        // Given a 1 kWh run and a horizon ending one hour after T0
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1"))
                .setHorizonEnd(T0.plusSeconds(3600)).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 1.0));
        // When window 0 saves 5.45 Wh
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);

        // Then the rate is 5.45 Wh per 60 s = 7,848 Wh a day; 994.55 Wh remain: 994.55 / 7,848 = 0.126727 days
        //   = 10,949.2 s after the window's end (T0 + 60 s): about T0 + 3 h 03 min, past the 1 h horizon
        PaybackStatus status = lastStatus();
        assertThat(status.getStatus()).isEqualTo("WONT_PAY_BACK_IN_HORIZON");
        assertThat(status.getRecentSavingWhPerDay()).isCloseTo(7848.0, within(1e-6));
        assertThat(status.getPaysBackWithinHorizon()).isFalse();
        assertThat(status.getProjectedBreakEvenAt().getEpochSecond() - T0.getEpochSecond()).isBetween(11_008L, 11_010L);
        List<PaybackAlert> alerts = fx.paybackAlerts.readValuesToList();
        assertThat(alerts).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("BREAK_EVEN_BEYOND_HORIZON", "FIRING"));
    }

    @Test
    void aCandidateWithoutTrafficFiresNoCandidateTraffic() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        // Given the fine-tune has traffic in window 0
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        // When windows 1-3 have baseline traffic only
        for (int w = 1; w < 4; w++) {
            requests(BASE, w, 10, 1.0);
        }
        // Then NO_CANDIDATE_TRAFFIC fired once, at window 3 (the third without candidate traffic)
        List<PaybackAlert> alerts = fx.paybackAlerts.readValuesToList();
        assertThat(alerts).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("NO_CANDIDATE_TRAFFIC", "FIRING"));
        assertThat(alerts.get(0).getWindowStart()).isEqualTo(T0.plusSeconds(180));
    }

    @Test
    void aRagCandidatesConfiguredRetrievalEnergyIsAddedToItsRequests() {
        // Given a RAG candidate whose definition says retrieval costs 0.1 Wh per request (its events do not say)
        fx.comparisons.pipeInput("cmp-1", comparison(CandidateDefinition.newBuilder().setCandidateId("rag")
                .setModelId("rag-model").setKind("RAG").setRetrievalWhPerRequest(0.1).build()).build());
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));   // the accounting stage re-reads the definitions
        // When window 0 has 10 baseline tasks (1.09 Wh each) and 10 RAG tasks metered at 0.5 Wh
        requests(BASE, 0, 10, 1.0);
        requests("rag-model", 0, 10, 0.5);

        // Then each RAG request costs (0.5 + 0.1) x 1.09 = 0.654 Wh, and its tier is ESTIMATED (the add-on is configured)
        List<ComparisonWindow> windows = fx.comparisonWindows.readValuesToList();
        var rag = windows.get(windows.size() - 1).getCandidates().get(0);
        assertThat(rag.getWindow().getWhPerSuccessfulTask()).isCloseTo(0.654, within(1e-9));
        assertThat(rag.getWindow().getEnergyTier()).isEqualTo("ESTIMATED");
        assertThat(rag.getSavingWhPerSuccessfulTask()).isCloseTo(1.09 - 0.654, within(1e-9));
    }
}
