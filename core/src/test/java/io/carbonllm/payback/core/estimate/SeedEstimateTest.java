package io.carbonllm.payback.core.estimate;

import static java.time.Instant.EPOCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.core.ledger.PaybackState;
import io.carbonllm.payback.core.ledger.Projection;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.footprint.Footprint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training: 100 GPU-h x 400 W / 1000 = 40 kWh x PUE 1.1 = 44 kWh; on a 342 g/kWh grid = 15.048 kg.
 * Baseline: PUE 1.2 x 2.0 Wh / 0.8 success = 3.0 Wh per successful task.
 * Candidate: PUE 1.2 x 0.5 Wh / 0.9 success = 0.666667 Wh per successful task. Saving: 2.333333 Wh.
 */
class SeedEstimateTest {

    private static final Footprint TRAINING = new Footprint(44, 15.048, 15.048, EvidenceTier.ESTIMATED, List.of("test"));

    private static SeedEstimate.Inputs inputs(double candidateWh, double candidateRate, double inferenceGrid) {
        return new SeedEstimate.Inputs(TRAINING, 2.0, candidateWh, 0.8, candidateRate, 1.2, inferenceGrid, 1000, 90);
    }

    @Test
    void aCandidateThatPaysBackWithinTheHorizon() {
        SeedEstimate.Result r = SeedEstimate.compute(inputs(0.5, 0.9, 342));
        assertThat(r.baselineWhPerSuccessfulTask()).isCloseTo(3.0, within(1e-12));
        assertThat(r.candidateWhPerSuccessfulTask()).isCloseTo(0.6666667, within(1e-6));
        assertThat(r.savingWhPerSuccessfulTask()).isCloseTo(2.3333333, within(1e-6));
        // 44,000 Wh / 2.333333 Wh = 18,857.14 tasks; / 1,000 per day = 18.857 days <= 90
        assertThat(r.breakEvenSuccessfulTasks().getAsDouble()).isCloseTo(18857.142857, within(1e-4));
        assertThat(r.breakEvenDays().getAsDouble()).isCloseTo(18.857143, within(1e-6));
        assertThat(r.paysBackWithinHorizon()).isTrue();
        // horizon: 90 x 1000 = 90,000 tasks x 2.333333 = 210,000 Wh - 44,000 = 166,000 Wh = 166 kWh
        assertThat(r.horizonNetKwh()).isCloseTo(166.0, within(1e-6));
        // same grid both sides: 2.333333 x 0.342 = 0.798 g/task; 15,048 g / 0.798 = 18,857.14 tasks, same days
        assertThat(r.breakEvenDaysCo2e().getAsDouble()).isCloseTo(18.857143, within(1e-6));
        // 90,000 x 0.798 = 71,820 g - 15,048 g = 56,772 g = 56.772 kg
        assertThat(r.horizonNetKgCo2e()).isCloseTo(56.772, within(1e-6));
        assertThat(r.paysBackWithinHorizonCo2e()).isTrue();
    }

    @Test
    void carbonBreakEvenDiffersFromEnergyBreakEvenWhenTheGridsDiffer() {
        // Trained on a 342 g/kWh grid, served on a 21 g/kWh one: saving 2.333333 Wh x 0.021 = 0.049 g/task
        SeedEstimate.Result r = SeedEstimate.compute(inputs(0.5, 0.9, 21));
        // energy: unchanged, 18.857 days
        assertThat(r.breakEvenDays().getAsDouble()).isCloseTo(18.857143, within(1e-6));
        assertThat(r.paysBackWithinHorizon()).isTrue();
        // carbon: 15,048 g / 0.049 g = 307,102.04 tasks = 307.10 days > 90
        assertThat(r.breakEvenSuccessfulTasksCo2e().getAsDouble()).isCloseTo(307102.0408, within(1e-3));
        assertThat(r.breakEvenDaysCo2e().getAsDouble()).isCloseTo(307.1020408, within(1e-6));
        assertThat(r.paysBackWithinHorizonCo2e()).isFalse();
        // 90,000 x 0.049 = 4,410 g - 15,048 g = -10,638 g = -10.638 kg
        assertThat(r.horizonNetKgCo2e()).isCloseTo(-10.638, within(1e-6));
    }

    @Test
    void aCandidateThatCostsMorePerTaskNeverBreaksEven() {
        // candidate: 1.2 x 1.5 / 0.5 = 3.6 Wh per successful task > 3.0: saving -0.6 Wh
        SeedEstimate.Result r = SeedEstimate.compute(inputs(1.5, 0.5, 342));
        assertThat(r.savingWhPerSuccessfulTask()).isCloseTo(-0.6, within(1e-9));
        assertThat(r.breakEvenSuccessfulTasks()).isEmpty();
        assertThat(r.breakEvenDays()).isEmpty();
        assertThat(r.breakEvenDaysCo2e()).isEmpty();
        assertThat(r.paysBackWithinHorizon()).isFalse();
        // -0.6 x 90,000 = -54,000 Wh - 44,000 = -98,000 Wh = -98 kWh
        assertThat(r.horizonNetKwh()).isCloseTo(-98.0, within(1e-6));
    }

    @Test
    void edgeCasesAreDecidedNotDividedByZero() {
        // The rules the estimate and the live ledger share, called as SeedEstimate calls them: nothing saved yet, from
        // EPOCH, no horizon unless stated.
        // No rate (no successful task yet, or a missing baseline figure): no per-task saving, so no projection
        Projection noRate = Projection.project(0, 10, 0, null, null, EPOCH, Projection.Horizon.NONE, false);
        assertThat(noRate.state()).isEqualTo(PaybackState.INSUFFICIENT_DATA);
        assertThat(noRate.breakEvenSuccessfulTasks()).isNull();
        assertThat(noRate.breakEvenDays()).isNull();

        // Nothing to repay and a saving of 2 per task: at once, 0 tasks and 0 days, even without traffic
        Projection atOnce = Projection.project(0, 0, 0, 2.0, 0.0, EPOCH, Projection.Horizon.NONE, false);
        assertThat(atOnce.state()).isEqualTo(PaybackState.PAYING_BACK);
        assertThat(atOnce.breakEvenSuccessfulTasks()).isZero();
        assertThat(atOnce.breakEvenDays()).isZero();
        assertThat(atOnce.breakEvenAt()).isEqualTo(EPOCH);

        // A saving of 0 or -1 per task: never, whether there is 0 or 10 to repay
        for (double footprint : new double[] {0, 10}) {
            for (double saving : new double[] {0, -1}) {
                Projection never = Projection.project(0, footprint, 0, saving, saving * 1000, EPOCH,
                        Projection.Horizon.NONE, false);
                assertThat(never.state()).as("footprint %s, saving %s", footprint, saving)
                        .isEqualTo(PaybackState.NOT_SAVING);
                assertThat(never.breakEvenSuccessfulTasks()).isNull();
                assertThat(never.breakEvenDays()).isNull();
            }
        }

        // 200 to repay at 2 per task and no traffic: 200 / 2 = 100 tasks, but no day to reach them
        Projection noTraffic = Projection.project(0, 200, 0, 2.0, 0.0, EPOCH, Projection.Horizon.NONE, false);
        assertThat(noTraffic.breakEvenSuccessfulTasks()).isEqualTo(100.0);
        assertThat(noTraffic.breakEvenDays()).isNull();
        assertThat(noTraffic.breakEvenAt()).isNull();

        // 50 to repay at 2 per task and 5 tasks a day (a saving of 10 a day): 50 / 2 = 25 tasks, 50 / 10 = 5 days
        Projection fiveDays = Projection.project(0, 50, 0, 2.0, 10.0, EPOCH, Projection.Horizon.NONE, false);
        assertThat(fiveDays.breakEvenSuccessfulTasks()).isEqualTo(25.0);
        assertThat(fiveDays.breakEvenDays()).isEqualTo(5.0);
        assertThat(fiveDays.breakEvenAt()).isEqualTo(EPOCH.plus(Duration.ofDays(5)));

        // The payback ratio: 5 saved of 20 = 0.25; nothing to repay, no ratio
        assertThat(Projection.paybackRatio(5, 20)).isEqualTo(0.25);
        assertThat(Projection.paybackRatio(5, 0)).isNull();
    }

    @Test
    void anEstimateWithNoTrafficKnowsTheTasksButNeverTheDays() {
        // 44,000 Wh / 2.333333 Wh = 18,857.14 tasks; at 0 tasks a day, no number of days reaches them
        SeedEstimate.Result r = SeedEstimate.compute(
                new SeedEstimate.Inputs(TRAINING, 2.0, 0.5, 0.8, 0.9, 1.2, 342, 0, 90));
        assertThat(r.breakEvenSuccessfulTasks().getAsDouble()).isCloseTo(18857.142857, within(1e-4));
        assertThat(r.breakEvenDays()).isEmpty();
        assertThat(r.breakEvenDaysCo2e()).isEmpty();
        assertThat(r.paysBackWithinHorizon()).isFalse();
        // no tasks in the horizon: the net is minus the footprint, -44 kWh and -15.048 kg
        assertThat(r.horizonSuccessfulTasks()).isZero();
        assertThat(r.horizonNetKwh()).isCloseTo(-44.0, within(1e-9));
        assertThat(r.horizonNetKgCo2e()).isCloseTo(-15.048, within(1e-9));
    }

    @Test
    void aCostlierCandidateWithNoFootprintNeverPaysBack() {
        // --training-kwh 0: nothing to repay. Candidate 1.2 x 1.5 / 0.5 = 3.6 Wh per successful task > 3.0: saving -0.6 Wh
        Footprint none = new Footprint(0, 0, 0, EvidenceTier.METERED, List.of("metered 0 kWh"));
        SeedEstimate.Result r = SeedEstimate.compute(
                new SeedEstimate.Inputs(none, 2.0, 1.5, 0.8, 0.5, 1.2, 342, 1000, 90));
        assertThat(r.savingWhPerSuccessfulTask()).isCloseTo(-0.6, within(1e-9));
        assertThat(r.breakEvenSuccessfulTasks()).isEmpty();
        assertThat(r.breakEvenDays()).isEmpty();
        assertThat(r.paysBackWithinHorizon()).isFalse();
        // CO2e: -0.6 x 342 / 1000 = -0.2052 g per task: never either
        assertThat(r.breakEvenSuccessfulTasksCo2e()).isEmpty();
        assertThat(r.breakEvenDaysCo2e()).isEmpty();
        assertThat(r.paysBackWithinHorizonCo2e()).isFalse();
        // -0.6 x 90,000 tasks = -54,000 Wh = -54 kWh; -0.2052 x 90,000 = -18,468 g = -18.468 kg
        assertThat(r.horizonNetKwh()).isCloseTo(-54.0, within(1e-6));
        assertThat(r.horizonNetKgCo2e()).isCloseTo(-18.468, within(1e-6));
    }

    @Test
    void anEquallyCostlyCandidateWithNoFootprintNeverPaysBack() {
        // the candidate is the baseline's twin: 1.2 x 2.0 / 0.8 = 3.0 Wh per successful task on both sides, saving 0
        Footprint none = new Footprint(0, 0, 0, EvidenceTier.METERED, List.of("metered 0 kWh"));
        SeedEstimate.Result r = SeedEstimate.compute(
                new SeedEstimate.Inputs(none, 2.0, 2.0, 0.8, 0.8, 1.2, 342, 1000, 90));
        assertThat(r.savingWhPerSuccessfulTask()).isZero();
        assertThat(r.breakEvenSuccessfulTasks()).isEmpty();
        assertThat(r.breakEvenDays()).isEmpty();
        assertThat(r.paysBackWithinHorizon()).isFalse();
        assertThat(r.paysBackWithinHorizonCo2e()).isFalse();
    }

    @Test
    void aCheaperCandidateWithNoFootprintPaysBackAtOnce() {
        // nothing to repay and a saving of 2.333333 Wh per successful task: 0 tasks, 0 days, in energy and CO2e
        Footprint none = new Footprint(0, 0, 0, EvidenceTier.METERED, List.of("metered 0 kWh"));
        SeedEstimate.Result r = SeedEstimate.compute(new SeedEstimate.Inputs(none, 2.0, 0.5, 0.8, 0.9, 1.2, 342, 1000, 90));
        assertThat(r.breakEvenSuccessfulTasks()).hasValue(0);
        assertThat(r.breakEvenDays()).hasValue(0);
        assertThat(r.breakEvenDaysCo2e()).hasValue(0);
        assertThat(r.paysBackWithinHorizon()).isTrue();
        assertThat(r.paysBackWithinHorizonCo2e()).isTrue();
    }

    @Test
    void aCandidateThatSavesEnergyOnACarbonFreeGridNeverPaysBackInCo2e() {
        // inference grid 0 g/kWh: the energy saving of 2.333333 Wh is a CO2e saving of 0 g per task, so never in CO2e,
        // while the energy side breaks even at 44,000 / 2.333333 = 18,857 tasks = 18.9 days
        SeedEstimate.Result r = SeedEstimate.compute(inputs(0.5, 0.9, 0));
        assertThat(r.paysBackWithinHorizon()).isTrue();
        assertThat(r.savingGCo2ePerSuccessfulTask()).isZero();
        assertThat(r.breakEvenDaysCo2e()).isEmpty();
        assertThat(r.paysBackWithinHorizonCo2e()).isFalse();
    }

    @Test
    void aSuccessRateOutsideZeroToOneIsRejectedByName() {
        assertThatThrownBy(() -> inputs(0.5, 0, 342))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidateSuccessRate");
        assertThatThrownBy(() -> inputs(0.5, 1.01, 342))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidateSuccessRate");
    }
}
