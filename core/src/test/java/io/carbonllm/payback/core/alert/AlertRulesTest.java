package io.carbonllm.payback.core.alert;

import static io.carbonllm.payback.core.Traffic.BASELINE_MODEL;
import static io.carbonllm.payback.core.Traffic.CANDIDATE_MODEL;
import static io.carbonllm.payback.core.Traffic.HOUR;
import static io.carbonllm.payback.core.Traffic.T0;
import static io.carbonllm.payback.core.Traffic.definition;
import static io.carbonllm.payback.core.Traffic.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.core.EngineDriver;
import io.carbonllm.payback.core.ledger.PaybackState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.events.WindowContribution;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The alert rules over closed windows, driven as the comparison processor drives them: one-hour windows from
 * 2026-01-01T00:00Z, a grace of 30 minutes. Unless a test says otherwise each window is revised once at 50 minutes
 * past its start and closes when stream time reaches its end + 30 minutes, before the next window arrives.
 *
 * <p>The usual baseline window: 20 tasks at 2.5 Wh, 16 successful: 50 / 16 = 3.125 Wh per successful task.
 * The candidate's 10 tasks at 0.625 Wh (6.25 Wh): all successful, they save 3.125 x 10 - 6.25 = +25 Wh; none
 * successful, they cost -6.25 Wh.
 */
class AlertRulesTest {

    private static final Duration GRACE = Duration.ofMinutes(30);

    private static Instant hour(int n) {
        return T0.plus(HOUR.multipliedBy(n));
    }

    private static Instant at(int hour, int minute) {
        return hour(hour).plus(Duration.ofMinutes(minute));
    }

    private static VariantWindow usualBaseline(int w) {
        return window(BASELINE_MODEL, hour(w)).tasks(16, true, 2.5).tasks(4, false, 2.5).build();
    }

    private static VariantWindow candidate(int w, int successes, int failures, double whEach) {
        return window(CANDIDATE_MODEL, hour(w)).tasks(successes, true, whEach).tasks(failures, false, whEach).build();
    }

    /** Window {@code w} revised once and then closed. */
    private static void closedWindow(EngineDriver engine, int w, VariantWindow candidate) {
        engine.window(hour(w), usualBaseline(w), candidate, at(w, 50));
        engine.advance(at(w + 1, 30));
    }

    private static String firing(int w) {
        return "FIRING@" + hour(w);
    }

    private static String resolved(int w) {
        return "RESOLVED@" + hour(w);
    }

    @Test
    void windowsWithNoSuccessfulTaskCountAsNotSavingInTheStreak() {
        // Given fire after 3 closed windows, resolve after 2; window 0 saves (+25 Wh), windows 1-3 have the
        // candidate's 10 requests and no success (-6.25 Wh each)
        EngineDriver engine = new EngineDriver(definition().setFireAfterWindows(3).setResolveAfterWindows(2).build(),
                HOUR, GRACE);
        closedWindow(engine, 0, candidate(0, 10, 0, 0.625));
        closedWindow(engine, 1, candidate(1, 0, 10, 0.625));
        closedWindow(engine, 2, candidate(2, 0, 10, 0.625));
        List<String> afterTwo = engine.transitions(AlertRule.NOT_SAVING);

        // When the third window without a success closes
        closedWindow(engine, 3, candidate(3, 0, 10, 0.625));

        // Then each of them was not saving, and the alert fires on the third, with their figures
        assertThat(engine.ledger().getRecentClosed()).extracting(WindowContribution::getNotSaving)
                .containsExactly(false, true, true, true);
        assertThat(afterTwo).isEmpty();
        assertThat(engine.transitions(AlertRule.NOT_SAVING)).containsExactly(firing(3));
        PaybackAlert alert = engine.transitions().get(0);
        assertThat(alert.getFiredAt()).isEqualTo(hour(4));
        assertThat(alert.getFigures()).containsEntry("savingWh@" + hour(1), -6.25)
                .containsEntry("savingWh@" + hour(3), -6.25).containsEntry("successfulTasks@" + hour(2), 0.0);
        // and it resolves once two later windows save again
        closedWindow(engine, 4, candidate(4, 10, 0, 0.625));
        assertThat(engine.transitions(AlertRule.NOT_SAVING)).containsExactly(firing(3));
        closedWindow(engine, 5, candidate(5, 10, 0, 0.625));
        assertThat(engine.transitions(AlertRule.NOT_SAVING)).containsExactly(firing(3), resolved(5));
    }

    @Test
    void aWindowStillOpenIsNotOneOfTheStreak() {
        // Given fire after 3; windows 0 and 1 closed with no success (-6.25 Wh each)
        EngineDriver engine = new EngineDriver(definition().setFireAfterWindows(3).build(), HOUR, GRACE);
        closedWindow(engine, 0, candidate(0, 0, 10, 0.625));
        closedWindow(engine, 1, candidate(1, 0, 10, 0.625));

        // When window 2 has one failed task so far (-0.625 Wh), then all ten, still within its grace
        engine.window(hour(2), usualBaseline(2), candidate(2, 0, 1, 0.625), at(2, 10));
        PaybackStatus oneTask = engine.status();
        engine.window(hour(2), usualBaseline(2), candidate(2, 0, 10, 0.625), at(2, 50));
        List<String> whileOpen = engine.transitions(AlertRule.NOT_SAVING);
        engine.advance(at(3, 30));

        // Then nothing fires while it is open, though it is counted in the saving so far:
        // -6.25 x 2 - 0.625 = -13.125 Wh in 3 windows; the rate is the closed windows': -12.5 Wh over 2 h = -150
        // Wh a day (with the open window it would be -13.125 Wh over 3 h = -105)
        assertThat(whileOpen).isEmpty();
        assertThat(oneTask.getEnergy().getSaved()).isCloseTo(-13.125, within(1e-9));
        assertThat(oneTask.getWindowsCounted()).isEqualTo(3);
        assertThat(oneTask.getEnergy().getRecentSavingPerDay()).isCloseTo(-150.0, within(1e-9));
        // and it fires when window 2 closes
        assertThat(engine.transitions(AlertRule.NOT_SAVING)).containsExactly(firing(2));
    }

    @Test
    void theSavingRateIgnoresOpenWindows() {
        // Given window 0 closed, saving 25 Wh over 10 successful tasks
        EngineDriver engine = new EngineDriver(definition().build(), HOUR, GRACE);
        closedWindow(engine, 0, candidate(0, 10, 0, 0.625));

        // When window 1 opens with one successful task at 5 Wh: 3.125 - 5 = -1.875 Wh
        engine.window(hour(1), usualBaseline(1), candidate(1, 1, 0, 5.0), at(1, 10));

        // Then the saving so far has it (25 - 1.875 = 23.125 Wh over 11 tasks), the rate does not: 25 / 10 = 2.5 Wh
        // per successful task (with it: 23.125 / 11 = 2.102)
        PaybackStatus status = engine.status();
        assertThat(status.getEnergy().getSaved()).isCloseTo(23.125, within(1e-9));
        assertThat(status.getSuccessfulTasks()).isEqualTo(11);
        assertThat(status.getEnergy().getRecentSavingPerSuccessfulTask()).isCloseTo(2.5, within(1e-9));
    }

    /**
     * A 10 kWh (10,000 Wh) run, a horizon of one day (T0 + 24 h), a look-back of 1 window, fire and resolve after 2.
     * The candidate's windows, each against the usual baseline (3.125 Wh):
     * <pre>
     * window  candidate                   saving     saved so far  rate (look-back 1 h)      break-even / state
     * 0       100 ok x 0.625 = 62.5 Wh    +250 Wh      250         6,000 Wh/day, 2.5/task   9,750/6,000 = 1.625 d
     *                                                                                       = 39 h: T0+40 h, beyond
     * 1       same                        +250 Wh      500         same                     9,500/6,000 = 38 h:
     *                                                                                       T0+40 h, beyond -> FIRES
     * 2       100 ok x 3.75 = 375 Wh      -62.5 Wh     437.5       -0.625/task              NOT_SAVING: beyond
     * 3       same                        -62.5 Wh     375         -0.625/task              NOT_SAVING: beyond
     * 4       2,000 ok x 0.625 = 1,250 Wh +5,000 Wh    5,375       120,000 Wh/day           4,625/120,000 d = 55.5
     *                                                                                       min: T0+5h55m30s, within
     * 5       same                        +5,000 Wh    10,375      -                        PAID_BACK: within
     *                                                                                       -> RESOLVES
     * </pre>
     */
    @Test
    void breakEvenBeyondTheHorizonResolvesOnlyWhenTheProjectionIsBackInsideIt() {
        // Given
        TrainingRun run = TrainingRun.newBuilder().setRunId("ft-run-1").setMeteredKwh(10.0).setMeteredScope("FACILITY")
                .setProvider("google").setRegion("eu-central-1").setStartedAt(Instant.parse("2025-12-01T00:00:00Z"))
                .build();
        EngineDriver engine = new EngineDriver(definition("ft-run-1").setHorizonEnd(hour(24))
                .setSavingRateLookbackWindows(1).setFireAfterWindows(2).setResolveAfterWindows(2).build(), HOUR, GRACE)
                .run(run);

        // When, Then: one window beyond the horizon is not enough; the second fires
        closedWindow(engine, 0, candidate(0, 100, 0, 0.625));
        assertThat(engine.status().getStatus()).isEqualTo(PaybackState.WONT_PAY_BACK_IN_HORIZON.name());
        assertThat(engine.status().getEnergy().getProjectedBreakEvenAt()).isEqualTo(hour(40));
        assertThat(engine.transitions(AlertRule.BREAK_EVEN_BEYOND_HORIZON)).isEmpty();
        closedWindow(engine, 1, candidate(1, 100, 0, 0.625));
        assertThat(engine.status().getEnergy().getProjectedBreakEvenAt()).isEqualTo(hour(40));
        assertThat(engine.transitions(AlertRule.BREAK_EVEN_BEYOND_HORIZON)).containsExactly(firing(1));

        // When, Then: the candidate stops saving; the status moves to NOT_SAVING, which does not resolve it
        closedWindow(engine, 2, candidate(2, 100, 0, 3.75));
        closedWindow(engine, 3, candidate(3, 100, 0, 3.75));
        assertThat(engine.status().getStatus()).isEqualTo(PaybackState.NOT_SAVING.name());
        assertThat(engine.status().getEnergy().getSaved()).isCloseTo(375.0, within(1e-9));
        assertThat(engine.transitions(AlertRule.BREAK_EVEN_BEYOND_HORIZON)).containsExactly(firing(1));
        assertThat(engine.isOpen(AlertRule.BREAK_EVEN_BEYOND_HORIZON)).isTrue();

        // When, Then: back inside the horizon for one window, then paid back: it resolves after the second
        closedWindow(engine, 4, candidate(4, 2000, 0, 0.625));
        assertThat(engine.status().getStatus()).isEqualTo(PaybackState.PAYING_BACK.name());
        assertThat(engine.status().getEnergy().getProjectedBreakEvenAt())
                .isEqualTo(hour(5).plus(Duration.ofSeconds(55 * 60 + 30)));
        assertThat(engine.transitions(AlertRule.BREAK_EVEN_BEYOND_HORIZON)).containsExactly(firing(1));
        closedWindow(engine, 5, candidate(5, 2000, 0, 0.625));
        assertThat(engine.status().getStatus()).isEqualTo(PaybackState.PAID_BACK.name());
        assertThat(engine.status().getEnergy().getSaved()).isCloseTo(10_375.0, within(1e-9));
        assertThat(engine.transitions(AlertRule.BREAK_EVEN_BEYOND_HORIZON)).containsExactly(firing(1), resolved(5));
        // (the ledger keeps max(look-back 1, fire 2, resolve 2) = 2 closed windows: 4 and 5, both within)
        assertThat(engine.ledger().getRecentClosed()).extracting(WindowContribution::getBeyondHorizon)
                .containsExactly(false, false);
    }

    @Test
    void aCandidateWithNoTrafficWhileTheBaselineHasSomeFiresNoCandidateTraffic() {
        // Given fire after 2, resolve after 2
        EngineDriver engine = new EngineDriver(definition().setFireAfterWindows(2).setResolveAfterWindows(2).build(),
                HOUR, GRACE);

        // When windows 0 and 1 have baseline traffic and none of the candidate, windows 2 and 3 both
        closedWindow(engine, 0, null);
        closedWindow(engine, 1, null);
        List<String> afterTwo = engine.transitions(AlertRule.NO_CANDIDATE_TRAFFIC);
        closedWindow(engine, 2, candidate(2, 10, 0, 0.625));
        closedWindow(engine, 3, candidate(3, 10, 0, 0.625));

        // Then
        assertThat(afterTwo).containsExactly(firing(1));
        assertThat(engine.transitions(AlertRule.NO_CANDIDATE_TRAFFIC)).containsExactly(firing(1), resolved(3));
        // and windows without candidate traffic are no evidence of saving or not
        assertThat(engine.transitions(AlertRule.NOT_SAVING)).isEmpty();
    }

    @Test
    void aSuccessRateDropBeyondTheBarFiresQualityBelowBar() {
        // Given a maximum drop of 0.1 below the baseline's 16 / 20 = 0.8, fire after 2
        EngineDriver engine = new EngineDriver(definition().setMaxSuccessRateDrop(0.1).setFireAfterWindows(2).build(),
                HOUR, GRACE);

        // When the candidate succeeds in 6 of 10 tasks (0.6: a drop of 0.2) in window 0 and in 7 of 10 (0.7: a drop
        // of 0.1, at the bar) in window 1; then 6 of 10 in windows 2 and 3
        closedWindow(engine, 0, candidate(0, 6, 4, 0.625));
        closedWindow(engine, 1, candidate(1, 7, 3, 0.625));
        List<String> afterTwo = engine.transitions(AlertRule.QUALITY_BELOW_BAR);
        closedWindow(engine, 2, candidate(2, 6, 4, 0.625));
        closedWindow(engine, 3, candidate(3, 6, 4, 0.625));

        // Then
        assertThat(afterTwo).isEmpty();
        assertThat(engine.transitions(AlertRule.QUALITY_BELOW_BAR)).containsExactly(firing(3));
    }
}
