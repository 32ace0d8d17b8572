package io.carbonllm.payback.core.engine;

import static io.carbonllm.payback.core.Traffic.BASELINE_MODEL;
import static io.carbonllm.payback.core.Traffic.CANDIDATE;
import static io.carbonllm.payback.core.Traffic.CANDIDATE_MODEL;
import static io.carbonllm.payback.core.Traffic.HOUR;
import static io.carbonllm.payback.core.Traffic.T0;
import static io.carbonllm.payback.core.Traffic.definition;
import static io.carbonllm.payback.core.Traffic.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.core.EngineDriver;
import io.carbonllm.payback.core.Traffic;
import io.carbonllm.payback.core.alert.AlertRule;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.VariantWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine step around the ledger: retiring ledgers whose comparison went, and when an epoch starts. One-hour
 * windows from 2026-01-01T00:00Z, 30 minutes of grace; the usual baseline is 16 of 20 tasks at 2.5 Wh, 3.125 Wh per
 * successful task. A candidate at 4.0 Wh per task costs 4.0 - 3.125 = 0.875 Wh more per task than it saves.
 */
class PaybackEngineTest {

    private static final Duration GRACE = Duration.ofMinutes(30);

    private static Instant hour(int n) {
        return T0.plus(HOUR.multipliedBy(n));
    }

    private static VariantWindow baseline(int w) {
        return window(BASELINE_MODEL, hour(w)).tasks(16, true, 2.5).tasks(4, false, 2.5).build();
    }

    /** Three closed windows where the candidate costs more: NOT_SAVING fires (fireAfterWindows = 3). */
    private static EngineDriver notSaving() {
        EngineDriver engine = new EngineDriver(definition().build(), HOUR, GRACE);
        for (int w = 0; w < 3; w++) {
            engine.window(hour(w), baseline(w), window(CANDIDATE_MODEL, hour(w)).tasks(10, true, 4.0).build(),
                    hour(w).plus(Duration.ofMinutes(50)));
        }
        engine.advance(hour(3).plus(GRACE));
        assertThat(engine.isOpen(AlertRule.NOT_SAVING)).isTrue();
        return engine;
    }

    @Test
    void aDeletedComparisonsLedgerIsRetiredItsAlertsResolveAndItsStatusIsTombstoned() {
        // Given NOT_SAVING firing
        EngineDriver engine = notSaving();

        // When the comparison is deleted and the refresh runs
        engine.delete(hour(4));

        // Then the alert resolved, saying why, and the ledger and its status are gone
        List<PaybackAlert> transitions = engine.transitions();
        PaybackAlert last = transitions.get(transitions.size() - 1);
        assertThat(last.getRule()).isEqualTo("NOT_SAVING");
        assertThat(last.getState()).isEqualTo("RESOLVED");
        assertThat(last.getMessage()).isEqualTo("ft: resolved because comparison triage was deleted");
        assertThat(last.getResolvedAt()).isEqualTo(hour(4));
        assertThat(engine.isOpen(AlertRule.NOT_SAVING)).isFalse();
        assertThat(engine.ledger()).isNull();
        assertThat(engine.hasStatus(CANDIDATE)).isFalse();
    }

    @Test
    void aComparisonMovedToAnotherUseCaseIsRetiredHereWithoutATombstone() {
        // Given NOT_SAVING firing for use case ticket-triage
        EngineDriver engine = notSaving();

        // When the comparison is edited to another use case (whose partition holds its new ledger) and the refresh runs
        engine.define(definition().setUseCase("email-triage").build());
        engine.advance(hour(4));

        // Then this copy is retired: the alert resolves, saying why; the status key is left to the new ledger
        PaybackAlert last = engine.transitions().get(engine.transitions().size() - 1);
        assertThat(last.getState()).isEqualTo("RESOLVED");
        assertThat(last.getMessage()).isEqualTo("ft: resolved because comparison triage moved to use case email-triage");
        assertThat(engine.ledger()).isNull();
        assertThat(engine.hasStatus(CANDIDATE)).isTrue();
    }

    @Test
    void aNewEpochStartsAtTheFirstWindowRevisedAfterTheEditNotAtARefresh() {
        // Given one closed window of 10 candidate successes at 0.625 Wh: 3.125 x 10 - 6.25 = 25 Wh
        EngineDriver engine = new EngineDriver(definition().build(), HOUR, GRACE);
        engine.window(hour(0), baseline(0), window(CANDIDATE_MODEL, hour(0)).tasks(10, true, 0.625).build(),
                hour(0).plus(Duration.ofMinutes(50)));
        engine.advance(hour(1).plus(GRACE));
        assertThat(engine.status().getEnergy().getSaved()).isCloseTo(25.0, within(1e-9));

        // When the candidate's model changes and a refresh runs before any window of the new model
        String v2 = CANDIDATE_MODEL + "-v2";
        engine.define(definition().setCandidates(List.of(Traffic.candidate(CANDIDATE, v2))).build());
        engine.advance(hour(2));

        // Then the refresh starts nothing: the ledger still holds the old epoch
        assertThat(engine.ledger().getEpochStart()).isZero();
        assertThat(engine.status().getEnergy().getSaved()).isCloseTo(25.0, within(1e-9));

        // When window 3 of the new model arrives (20 successes at 0.625 Wh: 3.125 x 20 - 12.5 = 50 Wh), then a revision
        // of window 2, from before the epoch
        engine.window(hour(3), baseline(3), window(v2, hour(3)).tasks(20, true, 0.625).build(),
                hour(3).plus(Duration.ofMinutes(10)));
        engine.window(hour(2), baseline(2), window(v2, hour(2)).tasks(5, true, 0.625).build(),
                hour(3).plus(Duration.ofMinutes(20)));

        // Then the epoch starts at window 3 and holds only its 50 Wh; window 2's revision is counted as ignored
        assertThat(engine.status().getEpochStart()).isEqualTo(hour(3));
        assertThat(engine.status().getEnergy().getSaved()).isCloseTo(50.0, within(1e-9));
        assertThat(engine.status().getLateRevisionsIgnored()).isEqualTo(1);
    }

    @Test
    void aRunOfUnpricedWindowsDoesNotPushTheRatesWindowsOut() {
        // Given a look-back of 2 priced windows and streaks of 1: windows 0 and 1 priced, 10 successes at 0.625 Wh
        // each (3.125 x 10 - 6.25 = 25 Wh per window), then windows 2 to 5 unpriced (the candidate's requests have no
        // energy figure)
        EngineDriver engine = new EngineDriver(definition().setSavingRateLookbackWindows(2).setFireAfterWindows(1)
                .setResolveAfterWindows(1).build(), HOUR, GRACE);
        for (int w = 0; w < 6; w++) {
            VariantWindow candidate = w < 2 ? window(CANDIDATE_MODEL, hour(w)).tasks(10, true, 0.625).build()
                    : window(CANDIDATE_MODEL, hour(w)).uncovered(10, true).build();
            engine.window(hour(w), baseline(w), candidate, hour(w).plus(Duration.ofMinutes(50)));
        }
        engine.advance(hour(6).plus(GRACE));

        // Then the rate still rests on windows 0 and 1: 50 Wh over 20 successful tasks = 2.5 Wh per task, over the
        // 2 hours they span = 600 Wh a day; the 40 unpriced successful tasks are counted apart
        var status = engine.status();
        assertThat(status.getStatus()).isEqualTo("PAID_BACK");
        assertThat(status.getEnergy().getRecentSavingPerSuccessfulTask()).isCloseTo(2.5, within(1e-9));
        assertThat(status.getEnergy().getRecentSavingPerDay()).isCloseTo(600.0, within(1e-9));
        assertThat(status.getUnpricedSuccessfulTasks()).isEqualTo(40);
        // and the ledger kept the last window (the streak of 1) and the 2 priced ones before it: 3 of 6
        assertThat(engine.ledger().getRecentClosed()).hasSize(3);
    }
}
