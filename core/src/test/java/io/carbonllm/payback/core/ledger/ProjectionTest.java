package io.carbonllm.payback.core.ledger;

import static io.carbonllm.payback.core.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The break-even projection the live ledger and {@code ./payback estimate} share. The usual case: 10,000 Wh to
 * repay, 5,000 Wh saved over 2,000 successful tasks, a recent rate of 2.5 Wh per successful task and 40,000 Wh per
 * day, as of T0 + 2 h: the remaining 5,000 Wh take 5,000 / 2.5 = 2,000 more tasks (4,000 in all) and
 * 5,000 / 40,000 = 0.125 days = 3 h, so break-even at T0 + 5 h.
 */
class ProjectionTest {

    private static final Instant AS_OF = T0.plus(Duration.ofHours(2));
    private static final Projection.Horizon THIRTY_DAYS = new Projection.Horizon(T0.plus(Duration.ofDays(30)), null);

    private static Projection usual(Projection.Horizon horizon) {
        return Projection.project(5_000, 10_000, 2_000, 2.5, 40_000.0, AS_OF, horizon, false);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 10_000.0})
    void aCandidateThatIsNotCheaperNeverPaysBackWhateverItsFootprint(double footprint) {
        // Given a saving of zero per successful task, and one of -0.3125 Wh per successful task (-150 Wh a day)
        // When
        Projection even = Projection.project(0, footprint, 10, 0.0, 0.0, AS_OF, THIRTY_DAYS, false);
        Projection dearer = Projection.project(-6.25, footprint, 20, -0.3125, -150.0, AS_OF, THIRTY_DAYS, false);
        Projection noHorizon = Projection.project(-6.25, footprint, 20, -0.3125, -150.0, AS_OF,
                Projection.Horizon.NONE, false);

        // Then neither breaks even, not even with nothing to repay
        for (Projection p : new Projection[] {even, dearer}) {
            assertThat(p.state()).isEqualTo(PaybackState.NOT_SAVING);
            assertThat(p.breakEvenSuccessfulTasks()).isNull();
            assertThat(p.breakEvenDays()).isNull();
            assertThat(p.breakEvenAt()).isNull();
            assertThat(p.paysBackWithinHorizon()).isFalse();
        }
        assertThat(noHorizon.state()).isEqualTo(PaybackState.NOT_SAVING);
        assertThat(noHorizon.paysBackWithinHorizon()).isNull();
    }

    @Test
    void aSavingCandidateBreaksEvenAtTheRecentRate() {
        // Given, When the usual case with no horizon
        Projection p = usual(Projection.Horizon.NONE);

        // Then 4,000 tasks, 0.125 days, T0 + 5 h
        assertThat(p.state()).isEqualTo(PaybackState.PAYING_BACK);
        assertThat(p.breakEvenSuccessfulTasks()).isCloseTo(4_000.0, within(1e-9));
        assertThat(p.breakEvenDays()).isCloseTo(0.125, within(1e-12));
        assertThat(p.breakEvenAt()).isEqualTo(T0.plus(Duration.ofHours(5)));
        assertThat(p.paysBackWithinHorizon()).isNull();
    }

    @Test
    void theHorizonIsMetOnItsBoundaryAndMissedJustPastIt() {
        // Given, When horizons at the break-even (T0 + 5 h, 4,000 tasks) and just short of it
        Projection atEnd = usual(new Projection.Horizon(T0.plus(Duration.ofHours(5)), null));
        Projection pastEnd = usual(new Projection.Horizon(T0.plus(Duration.ofHours(5)).minusMillis(1), null));
        Projection atTasks = usual(new Projection.Horizon(null, 4_000L));
        Projection pastTasks = usual(new Projection.Horizon(null, 3_999L));

        // Then
        assertThat(atEnd.state()).isEqualTo(PaybackState.PAYING_BACK);
        assertThat(atEnd.paysBackWithinHorizon()).isTrue();
        assertThat(atTasks.state()).isEqualTo(PaybackState.PAYING_BACK);
        assertThat(atTasks.paysBackWithinHorizon()).isTrue();
        assertThat(pastEnd.state()).isEqualTo(PaybackState.WONT_PAY_BACK_IN_HORIZON);
        assertThat(pastEnd.paysBackWithinHorizon()).isFalse();
        assertThat(pastTasks.state()).isEqualTo(PaybackState.WONT_PAY_BACK_IN_HORIZON);
        assertThat(pastTasks.paysBackWithinHorizon()).isFalse();
    }

    @Test
    void aSavingThatCoversTheFootprintIsPaidBack() {
        // Given, When 10,000 Wh saved of 10,000; and 0.5 Wh saved with nothing to repay
        Projection repaid = Projection.project(10_000, 10_000, 4_000, 2.5, 40_000.0, AS_OF, THIRTY_DAYS, false);
        Projection nothingToRepay = Projection.project(0.5, 0, 1, 0.5, 12.0, AS_OF, Projection.Horizon.NONE, false);

        // Then
        assertThat(repaid.state()).isEqualTo(PaybackState.PAID_BACK);
        assertThat(repaid.breakEvenAt()).isNull();
        assertThat(repaid.paysBackWithinHorizon()).isTrue();
        assertThat(nothingToRepay.state()).isEqualTo(PaybackState.PAID_BACK);
        assertThat(nothingToRepay.paysBackWithinHorizon()).isNull();
    }

    @Test
    void missingRunsOrNoRateYetAreInsufficientData() {
        // Given, When runs charged but not known; and no closed, priced window yet (no rate)
        Projection missing = Projection.project(20_000, 10_000, 4_000, 2.5, 40_000.0, AS_OF, THIRTY_DAYS, true);
        Projection noRate = Projection.project(0, 10_000, 0, null, null, null, THIRTY_DAYS, false);

        // Then
        assertThat(missing.state()).isEqualTo(PaybackState.INSUFFICIENT_DATA);
        assertThat(missing.paysBackWithinHorizon()).isNull();
        assertThat(noRate.state()).isEqualTo(PaybackState.INSUFFICIENT_DATA);
        assertThat(noRate.paysBackWithinHorizon()).isNull();
    }

    @Test
    void aBreakEvenWithNoTrafficToProjectOrCenturiesAwayHasNoDate() {
        // Given, When saving 2.5 Wh per task with no rate per day; and 1,000,000,000 Wh left at 1 Wh a day
        Projection noTraffic = Projection.project(5_000, 10_000, 2_000, 2.5, 0.0, AS_OF, THIRTY_DAYS, false);
        Projection centuries = Projection.project(0, 1e9, 1, 2.5, 1.0, AS_OF, THIRTY_DAYS, false);

        // Then the tasks are known (2,000 + 5,000 / 2.5 = 4,000; 1 + 1e9 / 2.5 = 400,000,001) but not the date,
        // which is past any dated horizon: 1e9 days > 36,500
        assertThat(noTraffic.breakEvenSuccessfulTasks()).isCloseTo(4_000.0, within(1e-9));
        assertThat(noTraffic.breakEvenAt()).isNull();
        assertThat(noTraffic.state()).isEqualTo(PaybackState.WONT_PAY_BACK_IN_HORIZON);
        assertThat(centuries.breakEvenSuccessfulTasks()).isCloseTo(400_000_001.0, within(1e-3));
        assertThat(centuries.breakEvenAt()).isNull();
        assertThat(centuries.state()).isEqualTo(PaybackState.WONT_PAY_BACK_IN_HORIZON);
    }

    @Test
    void thePaybackRatioNeedsAFootprint() {
        assertThat(Projection.paybackRatio(5_000, 10_000)).isEqualTo(0.5);
        assertThat(Projection.paybackRatio(5_000, 0)).isNull();
        assertThat(Projection.paybackRatio(-6.25, 0)).isNull();
    }
}
