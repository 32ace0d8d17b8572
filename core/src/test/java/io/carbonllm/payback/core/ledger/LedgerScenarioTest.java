package io.carbonllm.payback.core.ledger;

import static io.carbonllm.payback.core.Traffic.BASELINE_MODEL;
import static io.carbonllm.payback.core.Traffic.CANDIDATE;
import static io.carbonllm.payback.core.Traffic.CANDIDATE_MODEL;
import static io.carbonllm.payback.core.Traffic.FACTORS;
import static io.carbonllm.payback.core.Traffic.HOUR;
import static io.carbonllm.payback.core.Traffic.T0;
import static io.carbonllm.payback.core.Traffic.definition;
import static io.carbonllm.payback.core.Traffic.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.core.EngineDriver;
import io.carbonllm.payback.core.Traffic;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.ChargedRun;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The amortization ledger of one candidate, driven as the comparison processor drives it: one-hour windows from
 * 2026-01-01T00:00Z, a grace of 30 minutes, requests metered on Google in eu-north-1 (21 g/kWh, PUE row 1.09).
 *
 * <p>The usual baseline window: 20 tasks at 2.5 Wh, 16 successful: 50 / 16 = 3.125 Wh per successful task.
 * A candidate task at 0.625 Wh saves 3.125 - 0.625 = 2.5 Wh (2.5 x 21 / 1000 = 0.0525 g).
 */
class LedgerScenarioTest {

    private static final Duration GRACE = Duration.ofMinutes(30);

    private static Instant hour(int n) {
        return T0.plus(HOUR.multipliedBy(n));
    }

    private static Instant at(int hour, int minute) {
        return hour(hour).plus(Duration.ofMinutes(minute));
    }

    private static VariantWindow usualBaseline(Instant start) {
        return window(BASELINE_MODEL, start).tasks(16, true, 2.5).tasks(4, false, 2.5).build();
    }

    private static VariantWindow candidate(Instant start, int successes, double whEach) {
        return window(CANDIDATE_MODEL, start).tasks(successes, true, whEach).build();
    }

    /** 10 kWh metered at the facility, in eu-central-1 in December 2025: 10 x 342 = 3,420 gCO2e. */
    private static TrainingRun dirtyGridRun() {
        return TrainingRun.newBuilder().setRunId("ft-run-1").setKind("FINE_TUNE").setCandidateModel(CANDIDATE_MODEL)
                .setMeteredKwh(10.0).setMeteredScope("FACILITY").setProvider("google").setRegion("eu-central-1")
                .setStartedAt(Instant.parse("2025-12-01T00:00:00Z")).build();
    }

    /**
     * Trained on a dirty grid, served on a clean one. Each of three windows: the usual baseline, and 2,000 candidate
     * tasks at 0.625 Wh that save 2,000 x 2.5 = 5,000 Wh, 5,000 x 21 / 1000 = 105 g.
     */
    private static EngineDriver trainedDirtyServedClean(String basis) {
        EngineDriver engine = new EngineDriver(definition("ft-run-1").setBasis(basis).build(), HOUR, GRACE)
                .run(dirtyGridRun());
        for (int w = 0; w < 3; w++) {
            engine.window(hour(w), usualBaseline(hour(w)), candidate(hour(w), 2000, 0.625), at(w, 59));
        }
        engine.advance(at(3, 30)); // every window's end + 30 min has passed
        return engine;
    }

    @Test
    void aFineTuneTrainedOnADirtyGridAndServedOnACleanOnePaysBackItsEnergyBeforeItsCo2e() {
        // Given, When
        PaybackStatus status = trainedDirtyServedClean("ENERGY").status();

        // Then energy: saved 3 x 5,000 = 15,000 Wh >= the footprint 10 kWh = 10,000 Wh: paid back, ratio 1.5
        BasisLedger energy = status.getEnergy();
        assertThat(energy.getUnit()).isEqualTo("Wh");
        assertThat(energy.getStatus()).isEqualTo(PaybackState.PAID_BACK.name());
        assertThat(energy.getSaved()).isCloseTo(15_000.0, within(1e-6));
        assertThat(energy.getFootprint()).isCloseTo(10_000.0, within(1e-9));
        assertThat(energy.getPaybackRatio()).isCloseTo(1.5, within(1e-9));
        assertThat(energy.getProjectedBreakEvenAt()).isNull();
        // and location-based CO2e: saved 3 x 105 = 315 g of a footprint of 10 x 342 = 3,420 g (ratio 0.0921053).
        // Rate over the 3 closed windows (3 h): 315 g x 24 / 3 = 2,520 g/day and 315 / 6,000 = 0.0525 g per task.
        // Remaining 3,420 - 315 = 3,105 g: 3,105 / 2,520 = 1.2321429 days after the last window's end (T0 + 3 h)
        // = 106,457,142 ms later: 2026-01-02T08:34:17.142Z; at 6,000 + 3,105 / 0.0525 = 65,142.857 successful tasks
        BasisLedger location = status.getCo2eLocation();
        assertThat(location.getUnit()).isEqualTo("gCO2e");
        assertThat(location.getStatus()).isEqualTo(PaybackState.PAYING_BACK.name());
        assertThat(location.getSaved()).isCloseTo(315.0, within(1e-6));
        assertThat(location.getFootprint()).isCloseTo(3_420.0, within(1e-6));
        assertThat(location.getPaybackRatio()).isCloseTo(0.0921053, within(1e-6));
        assertThat(location.getRecentSavingPerDay()).isCloseTo(2_520.0, within(1e-6));
        assertThat(location.getRecentSavingPerSuccessfulTask()).isCloseTo(0.0525, within(1e-9));
        assertThat(location.getProjectedBreakEvenAt())
                .isCloseTo(Instant.parse("2026-01-02T08:34:17.142Z"), within(1, ChronoUnit.SECONDS));
        assertThat(location.getProjectedBreakEvenSuccessfulTasks()).isCloseTo(65_142.857, within(1e-3));
        // and market-based CO2e: the shipped tables have no market figures, so it equals the location-based one
        BasisLedger market = status.getCo2eMarket();
        assertThat(market.getStatus()).isEqualTo(PaybackState.PAYING_BACK.name());
        assertThat(market.getSaved()).isCloseTo(315.0, within(1e-6));
        assertThat(market.getFootprint()).isCloseTo(3_420.0, within(1e-6));
        assertThat(status.getMarketFallback()).isTrue();
        assertThat(status.getSuccessfulTasks()).isEqualTo(6_000);
    }

    @ParameterizedTest
    @CsvSource({"ENERGY, PAID_BACK", "CO2E_LOCATION, PAYING_BACK", "CO2E_MARKET, PAYING_BACK"})
    void theDefinitionsBasisDrivesTheStatus(String basis, String expected) {
        // Given, When the same traffic and run as above, under each basis
        PaybackStatus status = trainedDirtyServedClean(basis).status();

        // Then the driving basis decides the status; all three ledgers are published whatever it is
        assertThat(status.getBasis()).isEqualTo(basis);
        assertThat(status.getStatus()).isEqualTo(expected);
        assertThat(status.getEnergy().getStatus()).isEqualTo("PAID_BACK");
        assertThat(status.getCo2eLocation().getStatus()).isEqualTo("PAYING_BACK");
        assertThat(status.getCo2eMarket().getStatus()).isEqualTo("PAYING_BACK");
    }

    @Test
    void windowsWithNoBaselineFigureAddNeitherSavingNorSuccessfulTasksToTheRate() {
        // Given window 0 with a thin baseline (3 tasks < 20), no pin and no past baseline window (so no figure),
        // the candidate 8 successful and 2 failed tasks; window 1 with the usual baseline, the candidate 10
        // successful tasks at 0.625 Wh
        EngineDriver engine = new EngineDriver(definition().build(), HOUR, GRACE);
        engine.window(hour(0), window(BASELINE_MODEL, hour(0)).tasks(3, true, 2.5).build(),
                window(CANDIDATE_MODEL, hour(0)).tasks(8, true, 0.625).tasks(2, false, 0.625).build(), at(0, 50));
        PaybackStatus whileOpen = engine.status();

        // When
        engine.window(hour(1), usualBaseline(hour(1)), candidate(hour(1), 10, 0.625), at(1, 50));
        engine.advance(at(2, 30));

        // Then window 0's 8 successful tasks are counted apart, open or closed
        assertThat(whileOpen.getUnpricedSuccessfulTasks()).isEqualTo(8);
        assertThat(whileOpen.getSuccessfulTasks()).isZero();
        assertThat(whileOpen.getStatus()).isEqualTo(PaybackState.INSUFFICIENT_DATA.name());
        PaybackStatus status = engine.status();
        assertThat(status.getUnpricedSuccessfulTasks()).isEqualTo(8);
        // and only window 1 is in the saving and the rate: 10 x 2.5 = 25 Wh over 10 tasks = 2.5 Wh per task (not
        // 25 / 18 = 1.39), over its one hour: 25 x 24 = 600 Wh/day (not 300 over two hours)
        assertThat(status.getSuccessfulTasks()).isEqualTo(10);
        assertThat(status.getEnergy().getSaved()).isCloseTo(25.0, within(1e-9));
        assertThat(status.getEnergy().getRecentSavingPerSuccessfulTask()).isCloseTo(2.5, within(1e-9));
        assertThat(status.getEnergy().getRecentSavingPerDay()).isCloseTo(600.0, within(1e-9));
        assertThat(status.getWindowsCounted()).isEqualTo(2);
        assertThat(status.getBaselineSources()).containsExactlyInAnyOrderEntriesOf(Map.of("NONE", 1L, "WINDOW", 1L));
    }

    @Test
    void aCandidateThatIsNotCheaperPerSuccessfulTaskNeverPaysBackEvenANothingFootprint() {
        // Given no charged run (footprint zero), a horizon 30 days out, window 0 where the candidate costs exactly the
        // baseline's 3.125 Wh per task (3.125 x 10 - 31.25 = 0 Wh) and window 1 where it costs 3.75 Wh
        // (3.125 x 10 - 37.5 = -6.25 Wh)
        EngineDriver engine = new EngineDriver(definition().setHorizonEnd(T0.plus(Duration.ofDays(30))).build(),
                HOUR, GRACE);
        engine.window(hour(0), usualBaseline(hour(0)), candidate(hour(0), 10, 3.125), at(0, 50));
        engine.advance(at(1, 30));
        PaybackStatus even = engine.status();

        // When
        engine.window(hour(1), usualBaseline(hour(1)), candidate(hour(1), 10, 3.75), at(1, 50));
        engine.advance(at(2, 30));

        // Then a saving of exactly zero does not repay even a zero footprint
        assertThat(even.getEnergy().getSaved()).isZero();
        assertThat(even.getStatus()).isEqualTo(PaybackState.NOT_SAVING.name());
        // and after -6.25 Wh in all (rate (0 - 6.25) / 20 = -0.3125 Wh per task) it is not saving, with no
        // break-even and no payback within the horizon, in every basis
        PaybackStatus status = engine.status();
        assertThat(status.getStatus()).isEqualTo(PaybackState.NOT_SAVING.name());
        assertThat(status.getEnergy().getSaved()).isCloseTo(-6.25, within(1e-9));
        assertThat(status.getEnergy().getRecentSavingPerSuccessfulTask()).isCloseTo(-0.3125, within(1e-9));
        for (BasisLedger basis : List.of(status.getEnergy(), status.getCo2eLocation(), status.getCo2eMarket())) {
            assertThat(basis.getStatus()).isEqualTo(PaybackState.NOT_SAVING.name());
            assertThat(basis.getFootprint()).isZero();
            assertThat(basis.getPaybackRatio()).isNull();
            assertThat(basis.getProjectedBreakEvenAt()).isNull();
            assertThat(basis.getProjectedBreakEvenSuccessfulTasks()).isNull();
            assertThat(basis.getPaysBackWithinHorizon()).isFalse();
        }
    }

    @Test
    void aRevisionWithinGraceReplacesTheWindowAndARevisionAfterItIsIgnored() {
        // Given window 0 with 10 candidate successes (10 x 2.5 = 25 Wh), closed at T0 + 1 h + 30 min
        EngineDriver engine = new EngineDriver(definition().build(), HOUR, GRACE);
        engine.window(hour(0), usualBaseline(hour(0)), candidate(hour(0), 10, 0.625), at(0, 30));
        engine.advance(at(1, 30));

        // When a revision of window 0 with 15 successes arrives after its grace
        engine.window(hour(0), usualBaseline(hour(0)), candidate(hour(0), 15, 0.625), at(1, 40));
        // and window 1 is revised within its grace, 10 then 15 successes
        engine.window(hour(1), usualBaseline(hour(1)), candidate(hour(1), 10, 0.625), at(1, 45));
        engine.window(hour(1), usualBaseline(hour(1)), candidate(hour(1), 15, 0.625), at(2, 20));
        PaybackStatus beforeClose = engine.status();
        engine.advance(at(2, 30));

        // Then window 0 counts once, as it closed (25 Wh, 10 tasks), the late revision counted as ignored; window 1
        // counts once, as last revised (15 x 2.5 = 37.5 Wh): 25 + 37.5 = 62.5 Wh over 10 + 15 = 25 tasks, 2 windows
        for (PaybackStatus status : List.of(beforeClose, engine.status())) {
            assertThat(status.getEnergy().getSaved()).isCloseTo(62.5, within(1e-9));
            assertThat(status.getSuccessfulTasks()).isEqualTo(25);
            assertThat(status.getWindowsCounted()).isEqualTo(2);
            assertThat(status.getLateRevisionsIgnored()).isEqualTo(1);
        }
        assertThat(beforeClose.getClosedThrough()).isEqualTo(hour(1));
        assertThat(engine.status().getClosedThrough()).isEqualTo(hour(2));
        assertThat(engine.ledger().getClosedWindows()).isEqualTo(2);
        assertThat(engine.ledger().getOpenWindows()).isEmpty();
    }

    @Test
    void editingTheCandidatesModelStartsANewEpochAndKeepsTheChargedRuns() {
        // Given two closed windows of 10 successes (25 Wh each) and the 10 kWh run charged
        EngineDriver engine = new EngineDriver(definition("ft-run-1").build(), HOUR, GRACE).run(dirtyGridRun());
        engine.window(hour(0), usualBaseline(hour(0)), candidate(hour(0), 10, 0.625), at(0, 50));
        engine.window(hour(1), usualBaseline(hour(1)), candidate(hour(1), 10, 0.625), at(1, 50));
        engine.advance(at(2, 30));
        PaybackStatus first = engine.status();
        ChargedRun charged = engine.ledger().getChargedRuns().get("ft-run-1");

        // When the candidate is re-pointed at a new model, whose first window is window 2 (15 successes,
        // 15 x 2.5 = 37.5 Wh); then a revision of window 1 from before the edit arrives
        String newModel = CANDIDATE_MODEL + "-v2";
        engine.define(definition("ft-run-1").setCandidates(List.of(Traffic.candidate(CANDIDATE, newModel, "ft-run-1")))
                .build());
        engine.window(hour(2), usualBaseline(hour(2)), window(newModel, hour(2)).tasks(15, true, 0.625).build(),
                at(2, 50));
        engine.window(hour(1), usualBaseline(hour(1)), window(newModel, hour(1)).tasks(30, true, 0.625).build(),
                at(2, 55));

        // Then the first epoch had no start and 50 Wh; the new one starts at window 2 and holds only its figures
        assertThat(first.getEpochStart()).isNull();
        assertThat(first.getEnergy().getSaved()).isCloseTo(50.0, within(1e-9));
        PaybackStatus status = engine.status();
        assertThat(status.getEpochStart()).isEqualTo(hour(2));
        assertThat(status.getModelId()).isEqualTo(newModel);
        assertThat(status.getEnergy().getSaved()).isCloseTo(37.5, within(1e-9));
        assertThat(status.getSuccessfulTasks()).isEqualTo(15);
        assertThat(status.getWindowsCounted()).isEqualTo(1);
        assertThat(status.getBaselineSources()).isEmpty();
        // and the run stays charged as it was: 10 kWh = 10,000 Wh, ratio 37.5 / 10,000
        assertThat(engine.ledger().getChargedRuns()).containsEntry("ft-run-1", charged);
        assertThat(status.getEnergy().getFootprint()).isCloseTo(10_000.0, within(1e-9));
        assertThat(status.getEnergy().getPaybackRatio()).isCloseTo(0.00375, within(1e-12));
    }

    @ParameterizedTest
    @CsvSource({"useCase", "baselineModel", "candidateModel"})
    void editingWhatTheLedgerIsAboutStartsANewEpochAndEditingAnythingElseDoesNot(String field) {
        // Given a ledger with one open window of the first epoch
        ComparisonDefinition def = definition().build();
        Charges.Charged none = Charges.charge(Map.of(), List.of(), id -> null, null);
        Ledgers.Context ctx = new Ledgers.Context(def, def.getCandidates().get(0), GRACE, none, FACTORS);
        EngineDriver engine = new EngineDriver(def, HOUR, GRACE);
        engine.window(hour(0), usualBaseline(hour(0)), candidate(hour(0), 10, 0.625), at(0, 50));
        LedgerState ledger = engine.ledger();
        ComparisonDefinition edited = switch (field) {
            case "useCase" -> ComparisonDefinition.newBuilder(def).setUseCase("ticket-routing").build();
            case "baselineModel" -> ComparisonDefinition.newBuilder(def).setBaselineModel("llama-3.1-405b").build();
            default -> ComparisonDefinition.newBuilder(def)
                    .setCandidates(List.of(Traffic.candidate(CANDIDATE, "qwen3-14b-triage"))).build();
        };
        ComparisonDefinition horizonOnly = ComparisonDefinition.newBuilder(def).setHorizonEnd(hour(48))
                .setFireAfterWindows(5).build();

        // When
        LedgerState renewed = Ledgers.inEpoch(ledger, new Ledgers.Context(edited, edited.getCandidates().get(0),
                GRACE, none, FACTORS), hour(1).toEpochMilli());
        LedgerState kept = Ledgers.inEpoch(ledger, new Ledgers.Context(horizonOnly, horizonOnly.getCandidates().get(0),
                GRACE, none, FACTORS), hour(1).toEpochMilli());

        // Then
        assertThat(Ledgers.inEpoch(ledger, ctx, hour(1).toEpochMilli())).isSameAs(ledger);
        assertThat(renewed.getEpochStart()).isEqualTo(hour(1).toEpochMilli());
        assertThat(renewed.getOpenWindows()).isEmpty();
        assertThat(kept).isSameAs(ledger);
    }

    @Test
    void theStatusCarriesTheEvidenceOfItsFigures() {
        // Given a run estimated from 8 GPUs x 2.5 h x 500 W on Google in eu-central-1 in December 2025:
        // 20 GPU-h x 500 W = 10 kWh x PUE 1.09 = 10.9 kWh, x 342 g/kWh = 3,727.8 g, ESTIMATED
        TrainingRun run = TrainingRun.newBuilder().setRunId("ft-run-1").setGpuCount(8).setHours(2.5)
                .setAvgPowerWPerGpu(500).setProvider("google").setRegion("eu-central-1")
                .setStartedAt(Instant.parse("2025-12-01T00:00:00Z")).build();
        EngineDriver engine = new EngineDriver(definition("ft-run-1").build(), HOUR, GRACE).run(run);
        // window 0: the usual baseline, BENCHMARKED; the candidate's 10 successful requests, METERED, 8 of them
        // covered at 0.625 Wh (coverage 0.8, scaled to 6.25 Wh): 25 Wh saved
        engine.window(hour(0), window(BASELINE_MODEL, hour(0)).tier(EvidenceTier.BENCHMARKED)
                        .tasks(16, true, 2.5).tasks(4, false, 2.5).build(),
                window(CANDIDATE_MODEL, hour(0)).tasks(8, true, 0.625).uncovered(2, true).build(), at(0, 50));
        // window 1: a thin baseline (3 tasks), so the trailing reference (window 0: 3.125 Wh, BENCHMARKED); the
        // candidate's 10 successful requests fully covered: 25 Wh saved
        engine.window(hour(1), window(BASELINE_MODEL, hour(1)).tasks(3, true, 2.5).build(),
                candidate(hour(1), 10, 0.625), at(1, 50));

        // When
        engine.advance(at(2, 30));

        // Then
        PaybackStatus status = engine.status();
        assertThat(status.getEnergy().getSaved()).isCloseTo(50.0, within(1e-9));
        assertThat(status.getEnergy().getFootprint()).isCloseTo(10_900.0, within(1e-6));
        assertThat(status.getCo2eLocation().getFootprint()).isCloseTo(3_727.8, within(1e-6));
        assertThat(status.getSavingTier()).isEqualTo(EvidenceTier.BENCHMARKED.name());
        assertThat(status.getFootprintTier()).isEqualTo(EvidenceTier.ESTIMATED.name());
        assertThat(status.getEnergyCoverage()).isEqualTo(0.8);
        assertThat(status.getBaselineSources())
                .containsExactlyInAnyOrderEntriesOf(Map.of("WINDOW", 1L, "TRAILING_REFERENCE", 1L));
        assertThat(status.getMarketFallback()).isTrue();
        assertThat(status.getFactorRows()).extracting(FactorRow::getId).containsExactly(
                "GRID|region|eu-central-1|2025-01-01", "GRID|region|eu-north-1|2025-01-01",
                "PUE|provider|google|2023-01-01");
        assertThat(status.getRunIdsMissing()).isEmpty();
    }

    @Test
    void aRunNotYetPublishedLeavesTheLedgerWithInsufficientData() {
        // Given a comparison charging a run training-runs does not hold yet, and a closed window saving 25 Wh
        EngineDriver engine = new EngineDriver(definition("ft-run-1").build(), HOUR, GRACE);
        engine.window(hour(0), usualBaseline(hour(0)), candidate(hour(0), 10, 0.625), at(0, 50));
        engine.advance(at(1, 30));
        PaybackStatus before = engine.status();

        // When the run arrives (10 kWh) and stream time moves
        engine.run(dirtyGridRun()).advance(at(1, 40));

        // Then the saving was counted all along, and the status waited for the footprint
        assertThat(before.getStatus()).isEqualTo(PaybackState.INSUFFICIENT_DATA.name());
        assertThat(before.getRunIdsMissing()).containsExactly("ft-run-1");
        assertThat(before.getEnergy().getSaved()).isCloseTo(25.0, within(1e-9));
        assertThat(engine.status().getRunIdsMissing()).isEmpty();
        assertThat(engine.status().getStatus()).isEqualTo(PaybackState.PAYING_BACK.name());
        assertThat(engine.status().getEnergy().getPaybackRatio()).isCloseTo(0.0025, within(1e-12));
    }
}
