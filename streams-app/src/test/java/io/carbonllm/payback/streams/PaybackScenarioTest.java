package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.BasisLedger;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.groups.Tuple;
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
 * candidate tasks contributes 5.45 Wh. The fine-tune's one-off run is metered at 0.01 kWh = 10 Wh of facility energy.
 *
 * <p>Window w is [T0 + 60w, T0 + 60w + 60) s; it closes when stream time reaches its end + 30 s, T0 + 60w + 90 s. The
 * requests of window w are stamped from T0 + 60w + 1 s, one a second, so piping window w closes no window by itself.
 * Only closed windows feed the rate, the projection and the alert streaks; {@link #closeThrough} moves stream time with
 * an unrelated model's request and lets the wall-clock refresh close the ledgers.
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

    /** Stream time to T0 + {@code seconds} (an unrelated model's request), then the ledger refresh closes windows. */
    private void closeThrough(int seconds) {
        fx.pipe(InferenceEvent.newBuilder().setEventId("tick-" + (++seq)).setEventTime(T0.plusSeconds(seconds))
                .setGateway("gw").setUseCase(UC).setModelId("unrelated").setInputTokens(1).setOutputTokens(1)
                .setSuccess(true).build());
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));
    }

    private static BasisLedger energy(PaybackStatus status) {
        return status.getEnergy();
    }

    private static Tuple alert(String rule, String state) {
        return Tuple.tuple(rule, state);
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

        // When window 0 has 10 baseline and 10 candidate tasks (still open: stream time T0 + 50 s < 90 s)
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);

        // Then the saving so far counts it: 1.09 x 10 - 0.545 x 10 = 5.45 Wh of 10 Wh, ratio 0.545; but no window is
        // closed, so there is no rate and no projection yet
        PaybackStatus open = lastStatus();
        assertThat(open.getStatus()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(energy(open).getSaved()).isCloseTo(5.45, within(1e-9));
        assertThat(energy(open).getFootprint()).isCloseTo(10.0, within(1e-12));
        assertThat(energy(open).getPaybackRatio()).isCloseTo(0.545, within(1e-9));
        assertThat(energy(open).getRecentSavingPerDay()).isNull();

        // When window 0 closes
        closeThrough(95);

        // Then it projects: 10 - 5.45 = 4.55 Wh remain at 0.545 Wh per task = 8.348624 more, 18.348624 tasks in all
        PaybackStatus first = lastStatus();
        assertThat(first.getStatus()).isEqualTo("PAYING_BACK");
        assertThat(first.getFootprintTier()).isEqualTo("METERED");
        assertThat(first.getSavingTier()).isEqualTo("METERED");
        assertThat(first.getSuccessfulTasks()).isEqualTo(10);
        assertThat(energy(first).getProjectedBreakEvenSuccessfulTasks()).isCloseTo(18.348624, within(1e-6));
        // CO2e: saving 5.45 Wh x 21 g/kWh / 1000 = 0.11445 g; footprint 10 Wh x 21 / 1000 = 0.21 g: ratio 0.545
        assertThat(first.getCo2eLocation().getSaved()).isCloseTo(0.11445, within(1e-9));
        assertThat(first.getCo2eLocation().getFootprint()).isCloseTo(0.21, within(1e-12));
        assertThat(first.getCo2eLocation().getPaybackRatio()).isCloseTo(0.545, within(1e-9));
        // The shipped grid rows have no market-based figure: the market basis falls back to location, and says so
        assertThat(first.getCo2eMarket().getSaved()).isCloseTo(0.11445, within(1e-9));
        assertThat(first.getMarketFallback()).isTrue();
        // And the evidence names its rows and the baseline's source
        assertThat(first.getBaselineSources()).containsEntry("WINDOW", 1L);
        assertThat(first.getEnergyCoverage()).isEqualTo(1.0);
        assertThat(first.getFactorRows()).extracting(r -> r.getId()).contains(
                "GRID|region|eu-north-1|2025-01-01", "PUE|provider|google|2023-01-01");

        // When window 1 repeats it
        requests(BASE, 1, 10, 1.0);
        requests(SMALL, 1, 10, 0.5);

        // Then 20 tasks x 0.545 = 10.9 Wh >= 10 Wh: paid back, ratio 1.09
        PaybackStatus second = lastStatus();
        assertThat(second.getStatus()).isEqualTo("PAID_BACK");
        assertThat(energy(second).getSaved()).isCloseTo(10.9, within(1e-9));
        assertThat(second.getSuccessfulTasks()).isEqualTo(20);
        assertThat(energy(second).getPaybackRatio()).isCloseTo(1.09, within(1e-9));

        // And the comparison window says where the baseline came from and what the candidate saved, in total too
        List<ComparisonWindow> windows = fx.comparisonWindows.readValuesToList();
        ComparisonWindow last = windows.get(windows.size() - 1);
        assertThat(last.getBaselineSource()).isEqualTo("WINDOW");
        assertThat(last.getBaselineWhPerSuccessfulTask()).isCloseTo(1.09, within(1e-9));
        assertThat(last.getCandidates().get(0).getSavingWhPerSuccessfulTask()).isCloseTo(0.545, within(1e-9));
        assertThat(last.getCandidates().get(0).getSavingWh()).isCloseTo(5.45, within(1e-9));
        assertThat(last.getCandidates().get(0).getSavingTier()).isEqualTo("METERED");
        // And the ledger store agrees with the topic: window 0 closed (5.45 Wh), window 1 open (5.45 Wh)
        assertThat(ledger().getClosedSavingWh()).isCloseTo(5.45, within(1e-9));
        assertThat(ledger().getOpenWindows()).hasSize(1);
    }

    @Test
    void aCandidateThatCostsMoreNeverPaysBackAndFiresNotSaving() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));

        // When three windows each have the candidate at 1.308 Wh per task against the baseline's 1.09, and all close
        for (int w = 0; w < 3; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 1.2);
        }
        closeThrough(215);

        // Then each window saves 1.09 x 10 - 13.08 = -2.18 Wh, -6.54 Wh in all: it never pays back
        PaybackStatus status = lastStatus();
        assertThat(status.getStatus()).isEqualTo("NOT_SAVING");
        assertThat(energy(status).getSaved()).isCloseTo(-6.54, within(1e-9));
        assertThat(energy(status).getProjectedBreakEvenAt()).isNull();
        assertThat(energy(status).getProjectedBreakEvenSuccessfulTasks()).isNull();
        // And NOT_SAVING fired exactly once, when the third window (window 2) closed
        List<PaybackAlert> alerts = fx.paybackAlerts.readValuesToList();
        assertThat(alerts).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(alert("NOT_SAVING", "FIRING"));
        assertThat(alerts.get(0).getWindowStart()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void aWindowStillOpenIsNotOneOfTheStreak() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));

        // Given two closed windows where the candidate costs more (windows 0 and 1), and window 2 open with the same
        for (int w = 0; w < 3; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 1.2);
        }
        // When stream time reaches T0 + 155 s: windows 0 and 1 close (at 90 s and 150 s), window 2 only at 210 s
        closeThrough(155);

        // Then NOT_SAVING has not fired: 2 closed windows are fewer than fireAfterWindows = 3
        assertThat(fx.paybackAlerts.readValuesToList()).isEmpty();
        assertThat(ledger().getRecentClosed()).hasSize(2);
        assertThat(ledger().getOpenWindows()).containsOnlyKeys(Long.toString(T0.plusSeconds(120).toEpochMilli()));
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
        //   1.308 Wh x 10 requests / 5 successes = 2.616 Wh per task > 1.09; the window saves 1.09 x 5 - 13.08 = -7.63 Wh
        for (int w = 2; w < 5; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 5, 1.2);
        }
        closeThrough(335);
        // Then NOT_SAVING fired once, when window 4 (the third bad one) closed
        List<PaybackAlert> fired = fx.paybackAlerts.readValuesToList();
        assertThat(fired).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(alert("NOT_SAVING", "FIRING"));
        assertThat(fired.get(0).getWindowStart()).isEqualTo(T0.plusSeconds(240));
        KeyValueStore<String, PaybackAlert> open = fx.driver.getKeyValueStore(StoreNames.OPEN_ALERTS);
        assertThat(open.get(LEDGER + "/NOT_SAVING")).isNotNull();

        // When it recovers for two windows, and they close
        for (int w = 5; w < 7; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 0.5);
        }
        closeThrough(455);
        // Then it resolved once, at window 6 (the second good one), and nothing is open
        List<PaybackAlert> resolved = fx.paybackAlerts.readValuesToList();
        assertThat(resolved).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(alert("NOT_SAVING", "RESOLVED"));
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
        closeThrough(70);
        // When 5 more candidate tasks for window 0 arrive late, within grace
        requests(SMALL, 0, 5, 0.5);

        // Then window 0 counts 15 candidate tasks once: 1.09 x 15 - 0.545 x 15 = 8.175 Wh (not 5.45 + 8.175)
        PaybackStatus status = lastStatus();
        assertThat(status.getSuccessfulTasks()).isEqualTo(15);
        assertThat(energy(status).getSaved()).isCloseTo(8.175, within(1e-9));
        assertThat(status.getWindowsCounted()).isEqualTo(1);

        // When window 0 closes, it is folded into the totals once
        closeThrough(95);
        assertThat(ledger().getClosedWindows()).isEqualTo(1);
        assertThat(ledger().getClosedSavingWh()).isCloseTo(8.175, within(1e-9));
        assertThat(ledger().getOpenWindows()).isEmpty();
        assertThat(lastStatus().getWindowsCounted()).isEqualTo(1);
    }

    @Test
    void aTrainingRunArrivingAfterTheTrafficIsCharged() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        // Given traffic in a closed window, and no run yet: the ledger cannot judge
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        closeThrough(95);
        PaybackStatus before = lastStatus();
        assertThat(before.getStatus()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(before.getRunIdsMissing()).containsExactly("run-1");
        assertThat(energy(before).getSaved()).isCloseTo(5.45, within(1e-9));

        // When the run arrives (10 Wh) and the ledger refreshes (wall clock)
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));

        // Then it is charged: 5.45 of 10 Wh
        PaybackStatus after = lastStatus();
        assertThat(after.getStatus()).isEqualTo("PAYING_BACK");
        assertThat(after.getRunIdsMissing()).isEmpty();
        assertThat(energy(after).getFootprint()).isCloseTo(10.0, within(1e-12));
        assertThat(energy(after).getPaybackRatio()).isCloseTo(0.545, within(1e-9));
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
        assertThat(energy(status).getFootprint()).isCloseTo(20.0, within(1e-12));
        assertThat(energy(status).getPaybackRatio()).isCloseTo(0.2725, within(1e-9));
    }

    @Test
    void anInvalidRunIsSkippedWhereItIsReadAndTheAppKeepsCounting() {
        // Given a run with infinite metered energy: the CLI rejects it, but another producer wrote it
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", Double.POSITIVE_INFINITY));

        // When traffic follows and a window closes
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        closeThrough(95);

        // Then the run was never stored: the candidate's run is missing, and the figures still count
        PaybackStatus status = lastStatus();
        assertThat(status.getStatus()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(status.getRunIdsMissing()).containsExactly("run-1");
        assertThat(energy(status).getSaved()).isCloseTo(5.45, within(1e-9));
        KeyValueStore<String, TrainingRun> runs = fx.driver.getKeyValueStore(StoreNames.TRAINING_RUNS);
        assertThat(runs.get("run-1")).isNull();
        // and the skip is counted against its topic, once (it was read once)
        assertThat(fx.metrics.getDefinitionsSkippedByTopic()).isEqualTo(Map.of("training-runs", 1L));

        // When a corrected run is published under the same id
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));
        assertThat(lastStatus().getStatus()).isEqualTo("PAYING_BACK");
    }

    @Test
    void aThinBaselineWindowUsesTheTrailingReferencePricedAtItsOwnTime() {
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

        // Then window 2 compares against the trailing reference of windows 0 and 1: 1.09 Wh per task, not 2.18, priced
        // with the grid in effect at window 2 where the baseline ran: 1.09 x 21 / 1000 = 0.02289 g
        List<ComparisonWindow> windows = fx.comparisonWindows.readValuesToList();
        ComparisonWindow last = windows.get(windows.size() - 1);
        assertThat(last.getWindowStart()).isEqualTo(T0.plusSeconds(120));
        assertThat(last.getBaselineSource()).isEqualTo("TRAILING_REFERENCE");
        assertThat(last.getBaselineWhPerSuccessfulTask()).isCloseTo(1.09, within(1e-9));
        assertThat(last.getBaselineGCo2eLocationPerSuccessfulTask()).isCloseTo(0.02289, within(1e-12));
        assertThat(last.getBaselineTier()).isEqualTo("METERED");
        assertThat(last.getBaselineFactorRows()).extracting(r -> r.getId())
                .containsExactly("GRID|region|eu-north-1|2025-01-01");
        assertThat(last.getCandidates().get(0).getSavingWhPerSuccessfulTask()).isCloseTo(0.545, within(1e-9));
        // and the ledger counted 30 tasks x 0.545 = 16.35 Wh
        assertThat(energy(lastStatus()).getSaved()).isCloseTo(16.35, within(1e-9));
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
        closeThrough(95);

        // Then each has its own status: fine-tune 5.45 of 10 Wh; prompt rewrite 1.09 x 4 - 0.872 x 4 = 0.872 Wh of 0:
        // paid back, with no ratio (nothing to repay)
        Map<String, PaybackStatus> byKey = fx.paybackStatus.readKeyValuesToMap();
        assertThat(energy(byKey.get("cmp-1/ft")).getSaved()).isCloseTo(5.45, within(1e-9));
        assertThat(byKey.get("cmp-1/ft").getStatus()).isEqualTo("PAYING_BACK");
        assertThat(energy(byKey.get("cmp-1/prompt")).getSaved()).isCloseTo(0.872, within(1e-9));
        assertThat(byKey.get("cmp-1/prompt").getStatus()).isEqualTo("PAID_BACK");
        assertThat(energy(byKey.get("cmp-1/prompt")).getPaybackRatio()).isNull();
    }

    @Test
    void aProjectionPastTheHorizonFiresBreakEvenBeyondHorizonAfterThreeClosedWindows() {
        // Given a 1 kWh run and a horizon ending one hour after T0
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1"))
                .setHorizonEnd(T0.plusSeconds(3600)).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 1.0));
        // When window 0 saves 5.45 Wh and closes
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        closeThrough(95);

        // Then the rate is 5.45 Wh per 60 s = 7,848 Wh a day; 994.55 Wh remain: 994.55 / 7,848 = 0.126727 days
        //   = 10,949.2 s after the window's end (T0 + 60 s): about T0 + 3 h 03 min, past the 1 h horizon
        PaybackStatus status = lastStatus();
        assertThat(status.getStatus()).isEqualTo("WONT_PAY_BACK_IN_HORIZON");
        assertThat(energy(status).getRecentSavingPerDay()).isCloseTo(7848.0, within(1e-6));
        assertThat(energy(status).getPaysBackWithinHorizon()).isFalse();
        assertThat(energy(status).getProjectedBreakEvenAt().getEpochSecond() - T0.getEpochSecond()).isBetween(11_008L, 11_010L);
        // but one closed window beyond the horizon is not three: nothing fired yet
        assertThat(fx.paybackAlerts.readValuesToList()).isEmpty();

        // When windows 1 and 2 do the same and close: 16.35 Wh over 180 s is still 7,848 Wh a day
        for (int w = 1; w < 3; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 0.5);
        }
        closeThrough(215);

        // Then BREAK_EVEN_BEYOND_HORIZON fired once, at window 2
        List<PaybackAlert> alerts = fx.paybackAlerts.readValuesToList();
        assertThat(alerts).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(alert("BREAK_EVEN_BEYOND_HORIZON", "FIRING"));
        assertThat(alerts.get(0).getWindowStart()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void aCandidateWithoutTrafficFiresNoCandidateTraffic() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        // Given the fine-tune has traffic in window 0
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        // When windows 1-3 have baseline traffic only, and close
        for (int w = 1; w < 4; w++) {
            requests(BASE, w, 10, 1.0);
        }
        closeThrough(275);
        // Then NO_CANDIDATE_TRAFFIC fired once, at window 3 (the third without candidate traffic)
        List<PaybackAlert> alerts = fx.paybackAlerts.readValuesToList();
        assertThat(alerts).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(alert("NO_CANDIDATE_TRAFFIC", "FIRING"));
        assertThat(alerts.get(0).getWindowStart()).isEqualTo(T0.plusSeconds(180));
    }

    @Test
    void editingTheCandidatesModelStartsANewEpoch() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 1.0));
        // Given window 0 saved 5.45 Wh for the fine-tune and closed
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        closeThrough(95);
        assertThat(energy(lastStatus()).getSaved()).isCloseTo(5.45, within(1e-9));

        // When the candidate is pointed at another model, whose window 2 saves 1.09 x 10 - 0.654 x 10 = 4.36 Wh
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", "small-model-v2", "run-1")).build());
        requests(BASE, 2, 10, 1.0);
        requests("small-model-v2", 2, 10, 0.6);

        // Then the ledger starts again at window 2: 4.36 Wh, not 5.45 + 4.36; the run stays charged (1,000 Wh)
        PaybackStatus status = lastStatus();
        assertThat(status.getModelId()).isEqualTo("small-model-v2");
        assertThat(status.getEpochStart()).isEqualTo(T0.plusSeconds(120));
        assertThat(energy(status).getSaved()).isCloseTo(4.36, within(1e-9));
        assertThat(status.getSuccessfulTasks()).isEqualTo(10);
        assertThat(energy(status).getFootprint()).isCloseTo(1000.0, within(1e-9));
    }

    @Test
    void anIdleRefreshWritesNothingAndPublishesNothing() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        // Given a ledger with one closed window, and everything it published read
        requests(BASE, 0, 10, 1.0);
        requests(SMALL, 0, 10, 0.5);
        closeThrough(95);
        fx.paybackStatus.readValuesToList();
        TestOutputTopic<byte[], byte[]> changelog = fx.driver.createOutputTopic(
                fx.config.applicationId() + "-" + StoreNames.PAYBACK_LEDGER + "-changelog",
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(changelog.readValuesToList()).as("the ledger was written while it counted").isNotEmpty();
        LedgerState before = ledger();

        // When the wall-clock refresh runs twice with nothing new
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));

        // Then no status is published, and nothing reaches the ledger's changelog
        assertThat(fx.paybackStatus.isEmpty()).isTrue();
        assertThat(changelog.isEmpty()).isTrue();
        assertThat(ledger()).isEqualTo(before);
    }

    @Test
    void deletingAComparisonRetiresItsLedgerResolvesItsAlertsAndTombstonesItsStatus() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        // Given NOT_SAVING firing (three closed windows at 1.308 Wh per task against 1.09)
        for (int w = 0; w < 3; w++) {
            requests(BASE, w, 10, 1.0);
            requests(SMALL, w, 10, 1.2);
        }
        closeThrough(215);
        assertThat(fx.paybackAlerts.readValuesToList()).extracting(PaybackAlert::getState).containsExactly("FIRING");

        // When the comparison is deleted (a tombstone) and the ledger refresh runs
        fx.comparisons.pipeInput("cmp-1", null);
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));

        // Then the alert resolved, saying why; the ledger and the open alert are gone; the status key is tombstoned
        List<PaybackAlert> resolved = fx.paybackAlerts.readValuesToList();
        assertThat(resolved).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(alert("NOT_SAVING", "RESOLVED"));
        assertThat(resolved.get(0).getMessage()).contains("comparison cmp-1 was deleted");
        // at the stream time of the refresh: the tick at T0 + 215 s
        assertThat(resolved.get(0).getResolvedAt()).isEqualTo(T0.plusSeconds(215));
        KeyValueStore<String, BaselineReference> references = fx.driver.getKeyValueStore(StoreNames.BASELINE_REFERENCES);
        assertThat(references.get("cmp-1")).isNull();
        assertThat(ledger()).isNull();
        KeyValueStore<String, PaybackAlert> open = fx.driver.getKeyValueStore(StoreNames.OPEN_ALERTS);
        assertThat(open.get(LEDGER + "/NOT_SAVING")).isNull();
        List<TestRecord<String, PaybackStatus>> statuses = fx.paybackStatus.readRecordsToList();
        assertThat(statuses).isNotEmpty();
        assertThat(statuses.get(statuses.size() - 1).key()).isEqualTo(LEDGER);
        assertThat(statuses.get(statuses.size() - 1).value()).isNull();
    }

    @Test
    void aRagCandidatesConfiguredRetrievalEnergyIsAddedToItsRequests() {
        // Given a RAG candidate whose definition says retrieval costs 0.1 Wh per request (its events do not say)
        fx.comparisons.pipeInput("cmp-1", comparison(CandidateDefinition.newBuilder().setCandidateId("rag")
                .setModelId("rag-model").setKind("RAG").setRetrievalWhPerRequest(0.1).build()).build());
        // When window 0 has 10 baseline tasks (1.09 Wh each) and 10 RAG tasks metered at 0.5 Wh
        requests(BASE, 0, 10, 1.0);
        requests("rag-model", 0, 10, 0.5);

        // Then each RAG request costs (0.5 + 0.1) x 1.09 = 0.654 Wh, and its tier is ESTIMATED (the add-on is configured)
        List<ComparisonWindow> windows = fx.comparisonWindows.readValuesToList();
        var rag = windows.get(windows.size() - 1).getCandidates().get(0);
        assertThat(rag.getWindow().getWhPerSuccessfulTask()).isCloseTo(0.654, within(1e-9));
        assertThat(rag.getWindow().getEnergyTier()).isEqualTo("ESTIMATED");
        assertThat(rag.getSavingWhPerSuccessfulTask()).isCloseTo(1.09 - 0.654, within(1e-9));
        // and the saving's tier is the weaker of the baseline's (METERED) and the candidate's (ESTIMATED)
        assertThat(rag.getSavingTier()).isEqualTo("ESTIMATED");
    }

    @Test
    void foldedTasksClosingOnOneStreamTimeJumpAllReachTheirWindowBeforeTheLedgerClosesIt() {
        fx.comparisons.pipeInput("cmp-1", comparison(candidate("ft", SMALL, "run-1")).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        // Given two baseline and two candidate tasks with task ids, one request each, at 100-106 s: they close at
        // last + 60 s gap + 10 s grace = 170, 171, 175 and 176 s, all in window [120, 180), which closes at 210 s
        taskRequest(BASE, "b1", 100, 1.0);
        taskRequest(SMALL, "s1", 101, 0.5);
        taskRequest(BASE, "b2", 105, 1.0);
        taskRequest(SMALL, "s2", 106, 0.5);

        // When the next record moves stream time straight to 400 s: the four tasks close on that one record, each
        // stamped with its close time, before the record itself
        closeThrough(400);

        // Then window [120, 180) closed with all four: the candidate saves 2 x (1.09 - 0.545) = 1.09 Wh. (Had the
        // ledger closed windows by the stream time of the record, 400 s, it would have closed the window on the first
        // task's revision, with the baseline's task only, and ignored the other three: a saving of 0.)
        assertThat(energy(lastStatus()).getSaved()).isCloseTo(1.09, within(1e-9));
        assertThat(ledger().getClosedSuccessfulTasks()).isEqualTo(2);
    }

    private void taskRequest(String model, String taskId, int second, double meteredWh) {
        fx.pipe(InferenceEvent.newBuilder().setEventId("e" + (++seq)).setEventTime(T0.plusSeconds(second))
                .setGateway("gw").setUseCase(UC).setModelId(model).setTaskId(taskId).setProvider("google")
                .setRegion("eu-north-1").setInputTokens(100).setOutputTokens(10).setSuccess(true)
                .setMeteredEnergyWh(meteredWh).build());
    }
}
