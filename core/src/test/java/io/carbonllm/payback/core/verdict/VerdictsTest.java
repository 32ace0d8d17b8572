package io.carbonllm.payback.core.verdict;

import static io.carbonllm.payback.core.Traffic.HOUR;
import static io.carbonllm.payback.core.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.core.compare.BaselineSource;
import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.definition.CandidateKind;
import io.carbonllm.payback.core.definition.QualityBar;
import io.carbonllm.payback.core.ledger.Amounts;
import io.carbonllm.payback.core.ledger.Projection.Horizon;
import io.carbonllm.payback.core.verdict.VariantVerdict.FigureSource;
import io.carbonllm.payback.core.verdict.Verdict.Reason;
import io.carbonllm.payback.core.verdict.VerdictInput.Figures;
import io.carbonllm.payback.core.verdict.VerdictInput.Reference;
import io.carbonllm.payback.core.verdict.VerdictInput.Variant;
import io.carbonllm.payback.core.verdict.VerdictInput.Window;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verdict, computed by hand. One-hour windows from 2026-01-01T00:00Z (hour n = T0 + n h). The story (the example
 * in docs/payback-engine.md, "The verdict"): every closed window 0-3 holds
 * <ul>
 *   <li>the baseline: 40 of 50 tasks successful, 80 Wh in all: 80 / 40 = 2.0 Wh per successful task, rate 0.8;</li>
 *   <li>ft, a fine-tune: 30 of 32, 15 Wh: 0.5 Wh per successful task, rate 0.9375; one-off 10,000 Wh (metered);</li>
 *   <li>rag: 30 of 32, 24 Wh: 0.8 Wh per successful task, rate 0.9375; one-off 800 Wh (an estimated index build).</li>
 * </ul>
 * 40 + 30 + 30 = 100 successful tasks an hour, all variants together. The look-back is 4 closed windows; a closed
 * window -1 before it and an open window 4 carry figures that would change the verdict if they were counted. Inference
 * is priced at 300 g/kWh location-based (0.3 g per Wh) and 0 g market-based (a renewable contract). The quality bar is
 * a success rate of at least 0.75 and at most 0.05 below the baseline's; {@code minBaselineTasks} is 20.
 */
class VerdictsTest {

    private static final String BASELINE_MODEL = "llama-3.1-70b";
    private static final Variant BASELINE = Variant.baseline(BASELINE_MODEL);
    /** 10,000 Wh trained in Sweden (21 g/kWh): 210 g location-based, 0 g market-based. */
    private static final Variant FT = Variant.candidate("ft", "llama-3.1-8b-triage", CandidateKind.FINE_TUNE,
            new Amounts(10_000, 210, 0), true, EvidenceTier.METERED);
    /** 800 Wh for the index build on a 900 g/kWh grid: 720 g location- and market-based. */
    private static final Variant RAG = Variant.candidate("rag", "llama-3.1-8b-rag", CandidateKind.RAG,
            new Amounts(800, 720, 720), true, EvidenceTier.ESTIMATED);

    private static Instant hour(int n) {
        return T0.plus(HOUR.multipliedBy(n));
    }

    /** {@code wh} facility Wh: 0.3 g per Wh location-based, 0 g market-based. */
    private static Amounts energy(double wh) {
        return new Amounts(wh, wh * 0.3, 0);
    }

    private static Figures metered(long tasks, long successful, double wh) {
        return new Figures(tasks, successful, energy(wh), 1.0, EvidenceTier.METERED);
    }

    private static Window window(int w, boolean closed, Figures baseline, Map<String, Figures> candidates) {
        return new Window(hour(w), hour(w + 1), closed, baseline, null, candidates);
    }

    /** The story's window w. */
    private static Window usual(int w) {
        return window(w, true, metered(50, 40, 80), Map.of("ft", metered(32, 30, 15), "rag", metered(32, 30, 24)));
    }

    /** A window in which rag costs 100,000 Wh: counted, it would lose. */
    private static Window wild(int w, boolean closed) {
        return window(w, closed, metered(50, 40, 1), Map.of("ft", metered(32, 30, 1), "rag", metered(32, 30, 100_000)));
    }

    /** The story, to be varied. */
    private static final class Story {

        Basis basis = Basis.ENERGY;
        Horizon horizon = new Horizon(hour(104), null);
        QualityBar bar = new QualityBar(0.75, 0.05);
        long minBaselineTasks = 20;
        int lookback = 4;
        List<Variant> candidates = new ArrayList<>(List.of(FT, RAG));
        List<Window> windows = new ArrayList<>(List.of(wild(-1, true), usual(0), usual(1), usual(2), usual(3),
                wild(4, false)));

        Verdict decide() {
            return Verdicts.decide(new VerdictInput("triage", basis, horizon, bar, minBaselineTasks, lookback, BASELINE,
                    candidates, windows));
        }
    }

    private static VariantVerdict variant(Verdict verdict, String candidateId) {
        return verdict.variants().stream()
                .filter(v -> candidateId == null ? v.isBaseline() : candidateId.equals(v.candidateId()))
                .findFirst().orElseThrow();
    }

    @Test
    void theLowestTotalOverTheHorizonWinsAndTheSentenceNamesTheMarginUnitBasisTierAndWindows() {
        // Given the story, the horizon at hour 104
        Story story = new Story();

        // When
        Verdict verdict = story.decide();

        // Then windows 0-3 (closed, the latest 4), not -1 (before the look-back) nor 4 (open): as of hour 4
        assertThat(verdict.windows()).isEqualTo(new Verdict.WindowSpan(4, hour(0), hour(4)));
        assertThat(verdict.asOf()).isEqualTo(hour(4));
        // 400 successful tasks in 4 h = 2,400 a day; to hour 104 is 100 h: 100 x 100 = 10,000 successful tasks
        assertThat(verdict.successfulTasksPerDay()).isCloseTo(2_400.0, within(1e-9));
        assertThat(verdict.successfulTasksToHorizon()).isCloseTo(10_000.0, within(1e-6));
        // baseline: 0 + 320 Wh / 160 = 2.0 Wh x 10,000 = 20,000 Wh
        VariantVerdict baseline = variant(verdict, null);
        assertThat(baseline.footprint()).isZero();
        assertThat(baseline.perSuccessfulTask()).isCloseTo(2.0, within(1e-12));
        assertThat(baseline.projectedInference()).isCloseTo(20_000.0, within(1e-6));
        assertThat(baseline.total()).isCloseTo(20_000.0, within(1e-6));
        assertThat(baseline.source()).isEqualTo(FigureSource.OWN_WINDOWS);
        assertThat(baseline.successRate()).isCloseTo(0.8, within(1e-12));
        // ft: 10,000 + 60 Wh / 120 = 0.5 Wh x 10,000 = 10,000 + 5,000 = 15,000 Wh
        VariantVerdict ft = variant(verdict, "ft");
        assertThat(ft.footprint()).isEqualTo(10_000.0);
        assertThat(ft.perSuccessfulTask()).isCloseTo(0.5, within(1e-12));
        assertThat(ft.projectedInference()).isCloseTo(5_000.0, within(1e-6));
        assertThat(ft.total()).isCloseTo(15_000.0, within(1e-6));
        // rag: 800 + 96 Wh / 120 = 0.8 Wh x 10,000 = 800 + 8,000 = 8,800 Wh
        VariantVerdict rag = variant(verdict, "rag");
        assertThat(rag.total()).isCloseTo(8_800.0, within(1e-6));
        assertThat(rag.windows()).isEqualTo(4);
        assertThat(rag.successfulTasks()).isEqualTo(120);
        assertThat(rag.meetsQualityBar()).isTrue();
        // rag wins; ft is runner-up: 15,000 - 8,800 = 6,200 Wh, 6,200 / 15,000 = 41.3 % less
        assertThat(verdict.winner()).isSameAs(rag);
        assertThat(verdict.ranking()).extracting(VariantVerdict::label)
                .containsExactly("RAG", "ft (fine-tune)", "the baseline (llama-3.1-70b)");
        assertThat(verdict.margin().runnerUp()).isSameAs(ft);
        assertThat(verdict.margin().absolute()).isCloseTo(6_200.0, within(1e-6));
        assertThat(verdict.margin().relative()).isCloseTo(6_200.0 / 15_000.0, within(1e-12));
        // rag's footprint is estimated, everything else metered: estimated. 4 windows, each variant in all 4 with
        // 160, 120, 120 successful tasks (at least 20): not provisional
        assertThat(verdict.weakestTier()).isEqualTo(EvidenceTier.ESTIMATED);
        assertThat(verdict.provisional()).isFalse();
        assertThat(verdict.provisionalReasons()).isEmpty();
        assertThat(verdict.noWinner()).isNull();
        assertThat(verdict.summary()).isEqualTo("RAG wins: 41% less energy than ft (fine-tune) over the horizon"
                + " (8.8 kWh against 15 kWh; estimated, 4 windows)");
    }

    @Test
    void inLocationBasedCo2eTheFineTuneTrainedOnACleanGridWins() {
        // Given the story counted in location-based CO2e: 0.3 g per Wh served, ft trained for 210 g, rag built for 720 g
        Story story = new Story();
        story.basis = Basis.CO2E_LOCATION;

        // When
        Verdict verdict = story.decide();

        // Then per successful task 2.0 x 0.3 = 0.6 g, 0.5 x 0.3 = 0.15 g, 0.8 x 0.3 = 0.24 g; over 10,000 tasks:
        // baseline 0 + 6,000 = 6,000 g; ft 210 + 1,500 = 1,710 g; rag 720 + 2,400 = 3,120 g
        assertThat(variant(verdict, null).total()).isCloseTo(6_000.0, within(1e-6));
        assertThat(variant(verdict, "ft").total()).isCloseTo(1_710.0, within(1e-6));
        assertThat(variant(verdict, "rag").total()).isCloseTo(3_120.0, within(1e-6));
        // ft wins by 3,120 - 1,710 = 1,410 g: 1,410 / 3,120 = 45.2 % less
        assertThat(verdict.winner().candidateId()).isEqualTo("ft");
        assertThat(verdict.margin().absolute()).isCloseTo(1_410.0, within(1e-6));
        assertThat(verdict.summary()).isEqualTo("ft (fine-tune) wins: 45% less location-based CO2e than RAG"
                + " over the horizon (1.71 kgCO2e against 3.12 kgCO2e; estimated, 4 windows)");
    }

    @Test
    void equalTotalsTieAndATieHasNoWinner() {
        // Given the story in market-based CO2e (0 g per Wh served; ft 0 g, rag 720 g one-off); and, in energy over a
        // 4,000-task horizon, ft's one-off at 2,000 Wh
        Story market = new Story();
        market.basis = Basis.CO2E_MARKET;
        Story energy = new Story();
        energy.horizon = new Horizon(null, 4_000L);
        energy.candidates = List.of(Variant.candidate("ft", "llama-3.1-8b-triage", CandidateKind.FINE_TUNE,
                new Amounts(2_000, 42, 0), true, EvidenceTier.METERED), RAG);

        // When
        Verdict zero = market.decide();
        Verdict level = energy.decide();

        // Then market-based: baseline 0 + 0 x 10,000 = 0 g, ft 0 + 0 = 0 g, rag 720 g: the baseline and ft tie
        assertThat(zero.winner()).isNull();
        assertThat(zero.margin()).isNull();
        assertThat(zero.noWinner().reason()).isEqualTo(Reason.TIE);
        assertThat(zero.tied()).extracting(VariantVerdict::label)
                .containsExactly("the baseline (llama-3.1-70b)", "ft (fine-tune)");
        assertThat(zero.provisional()).isTrue();
        assertThat(zero.summary()).isEqualTo("No winner: the baseline (llama-3.1-70b) and ft (fine-tune) tie at"
                + " 0 gCO2e of market-based CO2e over the horizon (estimated, 4 windows)");
        // energy over 4,000 tasks: ft 2,000 + 0.5 x 4,000 = 4,000 Wh; rag 800 + 0.8 x 4,000 = 4,000 Wh; baseline 8,000
        assertThat(level.noWinner().reason()).isEqualTo(Reason.TIE);
        assertThat(level.tied()).extracting(VariantVerdict::candidateId).containsExactly("ft", "rag");
        assertThat(level.summary()).isEqualTo("No winner: ft (fine-tune) and RAG tie at 4 kWh of energy over the"
                + " horizon (estimated, 4 windows)");
    }

    @Test
    void aHorizonGivenAsATaskCountJudgesEveryVariantOnThatManyTasksWhateverTheRate() {
        // Given a horizon of 4,000 successful tasks, no end
        Story story = new Story();
        story.horizon = new Horizon(null, 4_000L);

        // When
        Verdict verdict = story.decide();

        // Then baseline 2.0 x 4,000 = 8,000 Wh; ft 10,000 + 0.5 x 4,000 = 12,000 Wh; rag 800 + 0.8 x 4,000 = 4,000 Wh:
        // rag wins by 8,000 - 4,000 = 4,000 Wh, 50 %; over so few tasks the fine-tune costs more than the baseline
        assertThat(verdict.successfulTasksToHorizon()).isEqualTo(4_000.0);
        assertThat(variant(verdict, null).total()).isCloseTo(8_000.0, within(1e-9));
        assertThat(variant(verdict, "ft").total()).isCloseTo(12_000.0, within(1e-9));
        assertThat(verdict.winner().candidateId()).isEqualTo("rag");
        assertThat(verdict.margin().runnerUp().isBaseline()).isTrue();
        assertThat(verdict.margin().relative()).isCloseTo(0.5, within(1e-12));
        assertThat(verdict.summary()).isEqualTo("RAG wins: 50% less energy than the baseline (llama-3.1-70b)"
                + " over the horizon (4 kWh against 8 kWh; estimated, 4 windows)");
    }

    @Test
    void withAnEndAndATaskCountWhicheverComesFirstEndsTheHorizon() {
        // Given an end at hour 24 and 4,000 tasks; and an end at hour 104 and 4,000 tasks
        Story soonEnd = new Story();
        soonEnd.horizon = new Horizon(hour(24), 4_000L);
        Story soonCount = new Story();
        soonCount.horizon = new Horizon(hour(104), 4_000L);

        // When
        Verdict byEnd = soonEnd.decide();
        Verdict byCount = soonCount.decide();

        // Then hour 4 to 24 at 100 an hour is 2,000 tasks, before 4,000: baseline 4,000 Wh, ft 11,000, rag 2,400
        assertThat(byEnd.successfulTasksToHorizon()).isCloseTo(2_000.0, within(1e-6));
        assertThat(variant(byEnd, null).total()).isCloseTo(4_000.0, within(1e-6));
        assertThat(variant(byEnd, "ft").total()).isCloseTo(11_000.0, within(1e-6));
        assertThat(variant(byEnd, "rag").total()).isCloseTo(2_400.0, within(1e-6));
        // to hour 104 would be 10,000 tasks, after 4,000: 4,000
        assertThat(byCount.successfulTasksToHorizon()).isEqualTo(4_000.0);
    }

    @Test
    void aHorizonAlreadyPassedHasNothingLeftToProjectAndNoWinner() {
        // Given horizons ending at hour 3 and at hour 4 (the end of the latest closed window), and one ending at hour 3
        // with 4,000 tasks besides
        Story before = new Story();
        before.horizon = new Horizon(hour(3), null);
        Story atAsOf = new Story();
        atAsOf.horizon = new Horizon(hour(4), null);
        Story withCount = new Story();
        withCount.horizon = new Horizon(hour(3), 4_000L);

        // When
        Verdict passed = before.decide();

        // Then no task is left: the totals are the footprints (0, 10,000 and 800 Wh), and there is no winner
        assertThat(passed.successfulTasksToHorizon()).isZero();
        assertThat(variant(passed, null).total()).isZero();
        assertThat(variant(passed, "ft").total()).isEqualTo(10_000.0);
        assertThat(variant(passed, "rag").total()).isEqualTo(800.0);
        assertThat(passed.winner()).isNull();
        assertThat(passed.noWinner().reason()).isEqualTo(Reason.HORIZON_PASSED);
        assertThat(passed.provisional()).isTrue();
        assertThat(passed.summary()).isEqualTo("No winner: the horizon ended at 2026-01-01T03:00:00Z, at or before"
                + " the end of the latest closed window (2026-01-01T04:00:00Z): nothing is left to project (4 windows)");
        assertThat(atAsOf.decide().noWinner().reason()).isEqualTo(Reason.HORIZON_PASSED);
        assertThat(withCount.decide().noWinner().reason()).isEqualTo(Reason.HORIZON_PASSED);
    }

    @Test
    void zeroRecentTrafficGivesNoRateNoFigureAndNoWinner() {
        // Given no window at all; closed windows whose tasks all failed; only an open window; and no window with a
        // task-count horizon
        Story none = new Story();
        none.windows = List.of();
        Story failures = new Story();
        failures.windows = List.of(window(0, true, metered(50, 0, 80), Map.of("ft", metered(32, 0, 15))),
                window(1, true, metered(50, 0, 80), Map.of()));
        Story openOnly = new Story();
        openOnly.windows = List.of(wild(4, false));
        Story byCount = new Story();
        byCount.windows = List.of();
        byCount.horizon = new Horizon(null, 4_000L);

        // When
        Verdict nothing = none.decide();
        Verdict allFailed = failures.decide();

        // Then
        assertThat(nothing.noWinner().reason()).isEqualTo(Reason.NO_RECENT_TRAFFIC);
        assertThat(nothing.windows()).isEqualTo(Verdict.WindowSpan.NONE);
        assertThat(nothing.successfulTasksToHorizon()).isNull();
        assertThat(nothing.variants()).allSatisfy(v -> assertThat(v.total()).isNull());
        assertThat(nothing.summary()).isEqualTo(
                "No winner: no closed window yet, so no rate or figure to project with (0 windows)");
        // 0 successful tasks in 2 h: 0 a day, and no figure per successful task
        assertThat(allFailed.successfulTasksPerDay()).isZero();
        assertThat(allFailed.noWinner().reason()).isEqualTo(Reason.NO_RECENT_TRAFFIC);
        assertThat(allFailed.summary()).isEqualTo("No winner: no successful task in the recent closed windows, so no"
                + " rate or figure to project with (2 windows)");
        assertThat(openOnly.decide().noWinner().reason()).isEqualTo(Reason.NO_RECENT_TRAFFIC);
        assertThat(byCount.decide().noWinner().reason()).isEqualTo(Reason.NO_RECENT_TRAFFIC);
    }

    @Test
    void withoutAHorizonThereIsNothingToTotalOver() {
        // Given no horizon
        Story story = new Story();
        story.horizon = Horizon.NONE;

        // When
        Verdict verdict = story.decide();

        // Then the figures per successful task are known (2.0, 0.5, 0.8 Wh), the totals are not
        assertThat(variant(verdict, "ft").perSuccessfulTask()).isCloseTo(0.5, within(1e-12));
        assertThat(verdict.variants()).allSatisfy(v -> assertThat(v.total()).isNull());
        assertThat(verdict.noWinner().reason()).isEqualTo(Reason.NO_HORIZON);
        assertThat(verdict.summary()).isEqualTo("No winner: the comparison has no horizon (horizonEnd or"
                + " horizonSuccessfulTasks) to total over (4 windows)");
    }

    @Test
    void noVariantMeetingTheQualityBarMeansNoWinnerAndSaysWhy() {
        // Given a minimum success rate of 0.95: the baseline has 0.8, ft and rag 120 / 128 = 0.9375
        Story story = new Story();
        story.bar = new QualityBar(0.95, null);

        // When
        Verdict verdict = story.decide();

        // Then
        assertThat(verdict.ranking()).isEmpty();
        assertThat(verdict.winner()).isNull();
        assertThat(verdict.weakestTier()).isNull();
        assertThat(verdict.noWinner().reason()).isEqualTo(Reason.NONE_MEETS_QUALITY_BAR);
        assertThat(verdict.variants()).allSatisfy(v -> assertThat(v.meetsQualityBar()).isFalse());
        String detail = "no variant meets the quality bar (the baseline (llama-3.1-70b): success rate 0.8 is below the"
                + " minimum 0.95; ft (fine-tune): success rate 0.938 is below the minimum 0.95; RAG: success rate"
                + " 0.938 is below the minimum 0.95)";
        assertThat(verdict.noWinner().detail()).isEqualTo(detail);
        assertThat(verdict.provisionalReasons()).containsExactly("no winner: " + detail);
        assertThat(verdict.summary()).isEqualTo("No winner: " + detail + " (4 windows)");
    }

    @Test
    void theCheapestVariantBelowTheQualityBarCannotWin() {
        // Given a minimum of 0.6 and a drop of at most 0.05; rag succeeding in 28 of 40 tasks a window (22.4 Wh: still
        // 0.8 Wh per successful task): rate 0.7, above the minimum but 0.1 below the baseline's 0.8
        Story story = new Story();
        story.bar = new QualityBar(0.6, 0.05);
        List<Window> windows = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            windows.add(window(w, true, metered(50, 40, 80),
                    Map.of("ft", metered(32, 30, 15), "rag", metered(40, 28, 22.4))));
        }
        story.windows = windows;

        // When
        Verdict verdict = story.decide();

        // Then 40 + 30 + 28 = 98 successful tasks an hour, x 100 h = 9,800 tasks:
        // baseline 2.0 x 9,800 = 19,600 Wh; ft 10,000 + 0.5 x 9,800 = 14,900 Wh; rag 800 + 0.8 x 9,800 = 8,640 Wh
        VariantVerdict rag = variant(verdict, "rag");
        assertThat(rag.total()).isCloseTo(8_640.0, within(1e-6));
        assertThat(rag.meetsQualityBar()).isFalse();
        assertThat(rag.qualityNote()).isEqualTo("success rate 0.7 is 0.1 below the baseline's 0.8, more than the 0.05"
                + " allowed");
        // ft wins among those that qualify: 19,600 - 14,900 = 4,700 Wh, 4,700 / 19,600 = 24.0 % less; rag's estimated
        // footprint is not involved, so the tier is metered
        assertThat(verdict.winner().candidateId()).isEqualTo("ft");
        assertThat(verdict.margin().absolute()).isCloseTo(4_700.0, within(1e-6));
        assertThat(verdict.weakestTier()).isEqualTo(EvidenceTier.METERED);
        assertThat(verdict.summary()).isEqualTo("ft (fine-tune) wins: 24% less energy than the baseline"
                + " (llama-3.1-70b) over the horizon (14.9 kWh against 19.6 kWh; metered, 4 windows)");
    }

    @Test
    void fewerThanThreeClosedWindowsIsProvisionalUnlessTheLookBackIsShorter() {
        // Given only windows 0 and 1 closed, the horizon at hour 102 (100 h after hour 2); and the 4-window story with
        // a look-back of 2
        Story twoWindows = new Story();
        twoWindows.windows = List.of(usual(0), usual(1));
        twoWindows.horizon = new Horizon(hour(102), null);
        Story shortLookback = new Story();
        shortLookback.lookback = 2;

        // When
        Verdict thin = twoWindows.decide();
        Verdict shortButEnough = shortLookback.decide();

        // Then the same totals (100 an hour x 100 h = 10,000 tasks: rag 8,800 Wh wins) but provisional: each variant's
        // figure rests on 2 closed windows, fewer than 3
        assertThat(thin.winner().total()).isCloseTo(8_800.0, within(1e-6));
        assertThat(thin.provisional()).isTrue();
        assertThat(thin.provisionalReasons()).containsExactly(
                "the baseline (llama-3.1-70b) has a figure in 2 closed windows, fewer than the 3 needed",
                "ft (fine-tune) has a figure in 2 closed windows, fewer than the 3 needed",
                "RAG has a figure in 2 closed windows, fewer than the 3 needed");
        assertThat(thin.summary()).isEqualTo("RAG wins: 41% less energy than ft (fine-tune) over the horizon"
                + " (8.8 kWh against 15 kWh; estimated, 2 windows; provisional: the baseline (llama-3.1-70b) has a"
                + " figure in 2 closed windows, fewer than the 3 needed (and 2 more))");
        // A look-back of 2 needs min(3, 2) = 2 windows: windows 2 and 3 suffice
        assertThat(shortButEnough.windows().count()).isEqualTo(2);
        assertThat(shortButEnough.windows().from()).isEqualTo(hour(2));
        assertThat(shortButEnough.provisional()).isFalse();
    }

    @Test
    void fewerSuccessfulTasksThanMinBaselineTasksIsProvisional() {
        // Given minBaselineTasks 200: the baseline has 4 x 40 = 160 successful tasks, ft and rag 4 x 30 = 120 each, and
        // no window carries a reference for the baseline
        Story story = new Story();
        story.minBaselineTasks = 200;

        // When
        Verdict verdict = story.decide();

        // Then the baseline's own thin figure stands (nothing else to use), and all three are thin
        assertThat(variant(verdict, null).source()).isEqualTo(FigureSource.OWN_WINDOWS);
        assertThat(verdict.winner().candidateId()).isEqualTo("rag");
        assertThat(verdict.provisionalReasons()).containsExactly(
                "the baseline (llama-3.1-70b) has 160 successful tasks with an energy figure, fewer than"
                        + " minBaselineTasks (200)",
                "ft (fine-tune) has 120 successful tasks with an energy figure, fewer than minBaselineTasks (200)",
                "RAG has 120 successful tasks with an energy figure, fewer than minBaselineTasks (200)");
    }

    @Test
    void aWinnersIncompleteFootprintIsProvisionalALosersIsNot() {
        // Given rag's runs missing (its 800 Wh a lower bound); and, instead, ft's runs missing
        Story ragMissing = new Story();
        ragMissing.candidates = List.of(FT, Variant.candidate("rag", "llama-3.1-8b-rag", CandidateKind.RAG,
                new Amounts(800, 720, 720), false, EvidenceTier.ESTIMATED));
        Story ftMissing = new Story();
        ftMissing.candidates = List.of(Variant.candidate("ft", "llama-3.1-8b-triage", CandidateKind.FINE_TUNE,
                new Amounts(10_000, 210, 0), false, EvidenceTier.METERED), RAG);

        // When
        Verdict unsure = ragMissing.decide();
        Verdict sure = ftMissing.decide();

        // Then rag still wins at 8,800 Wh; with its footprint a lower bound it might not: provisional. A missing run
        // can only raise ft's 15,000 Wh, so ft cannot overtake: not provisional
        assertThat(unsure.winner().candidateId()).isEqualTo("rag");
        assertThat(unsure.provisionalReasons()).containsExactly(
                "RAG's footprint is a lower bound: runs charged to it are missing or invalid");
        assertThat(sure.winner().candidateId()).isEqualTo("rag");
        assertThat(sure.provisional()).isFalse();
    }

    @Test
    void aBaselineWithTooFewTasksOfItsOwnIsJudgedOnTheReferenceItsCandidatesWereComparedWith() {
        // Given all traffic moved to the candidates: each window the baseline has 1 task (failed, 2.5 Wh) and the
        // windows were compared with the trailing reference, 1.9 and 2.1 Wh per successful task in turn, rate 0.8
        Story trailing = new Story();
        Story pinned = new Story();
        List<Window> onTrailing = new ArrayList<>();
        List<Window> onPinned = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            double wh = w % 2 == 0 ? 1.9 : 2.1;
            Map<String, Figures> candidates = Map.of("ft", metered(32, 30, 15), "rag", metered(32, 30, 24));
            onTrailing.add(new Window(hour(w), hour(w + 1), true, metered(1, 0, 2.5),
                    new Reference(BaselineSource.TRAILING_REFERENCE, energy(wh), 0.8, EvidenceTier.METERED), candidates));
            onPinned.add(new Window(hour(w), hour(w + 1), true, metered(1, 0, 2.5),
                    new Reference(BaselineSource.PINNED_REFERENCE, energy(2.0), 0.8, EvidenceTier.ESTIMATED), candidates));
        }
        trailing.windows = onTrailing;
        pinned.windows = onPinned;

        // When
        Verdict verdict = trailing.decide();

        // Then 0 + 30 + 30 = 60 successful tasks an hour, x 100 h = 6,000 tasks.
        // baseline: (1.9 + 2.1 + 1.9 + 2.1) / 4 = 2.0 Wh x 6,000 = 12,000 Wh; ft 10,000 + 0.5 x 6,000 = 13,000 Wh;
        // rag 800 + 0.8 x 6,000 = 5,600 Wh. rag wins by 12,000 - 5,600 = 6,400 Wh, 53.3 %
        VariantVerdict baseline = variant(verdict, null);
        assertThat(baseline.source()).isEqualTo(FigureSource.TRAILING_REFERENCE);
        assertThat(baseline.perSuccessfulTask()).isCloseTo(2.0, within(1e-12));
        assertThat(baseline.total()).isCloseTo(12_000.0, within(1e-6));
        assertThat(baseline.windows()).isEqualTo(4);
        assertThat(baseline.successRate()).isCloseTo(0.8, within(1e-12));
        assertThat(verdict.successfulTasksToHorizon()).isCloseTo(6_000.0, within(1e-6));
        assertThat(verdict.winner().candidateId()).isEqualTo("rag");
        assertThat(verdict.margin().runnerUp().isBaseline()).isTrue();
        assertThat(verdict.margin().absolute()).isCloseTo(6_400.0, within(1e-6));
        // A reference is not thin: each of its windows had minBaselineTasks tasks
        assertThat(verdict.provisional()).isFalse();
        assertThat(verdict.summary()).isEqualTo("RAG wins: 53% less energy than the baseline (llama-3.1-70b)"
                + " over the horizon (5.6 kWh against 12 kWh; estimated, 4 windows)");
        // A pinned figure is a stated input: ESTIMATED
        VariantVerdict pinnedBaseline = variant(pinned.decide(), null);
        assertThat(pinnedBaseline.source()).isEqualTo(FigureSource.PINNED_REFERENCE);
        assertThat(pinnedBaseline.tier()).isEqualTo(EvidenceTier.ESTIMATED);
    }

    @Test
    void aCandidateWithoutTrafficHasNoTotalAndMakesTheVerdictProvisional() {
        // Given a third candidate, a prompt change with no footprint, that served nothing
        Story story = new Story();
        story.candidates = List.of(FT, RAG, Variant.candidate("tidy", "llama-3.1-70b-tidy", CandidateKind.PROMPT,
                Amounts.ZERO, true, null));

        // When
        Verdict verdict = story.decide();

        // Then rag still wins at 8,800 Wh, but the verdict cannot say the prompt change would not have won
        VariantVerdict tidy = variant(verdict, "tidy");
        assertThat(tidy.source()).isEqualTo(FigureSource.NONE);
        assertThat(tidy.total()).isNull();
        assertThat(tidy.qualifies()).isFalse();
        assertThat(verdict.winner().candidateId()).isEqualTo("rag");
        assertThat(verdict.provisionalReasons()).containsExactly(
                "tidy (prompt) has no energy figure per successful task in the recent closed windows");
    }

    @Test
    void windowsWithoutEnergyCoverageCountForTheRateAndQualityNotForTheFigure() {
        // Given ft's window 0 with no energy figure (30 of 32 tasks), and its window 1 half covered (15 Wh scaled)
        Story story = new Story();
        List<Window> windows = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Map<String, Figures> candidates = new HashMap<>(Map.of("rag", metered(32, 30, 24)));
            candidates.put("ft", switch (w) {
                case 0 -> new Figures(32, 30, null, 0.0, null);
                case 1 -> new Figures(32, 30, energy(15), 0.5, EvidenceTier.METERED);
                default -> metered(32, 30, 15);
            });
            windows.add(window(w, true, metered(50, 40, 80), candidates));
        }
        story.windows = windows;

        // When
        Verdict verdict = story.decide();

        // Then ft: 45 Wh / 90 successful tasks in windows 1-3 = 0.5 Wh; its rate 120 / 128 over all four; still
        // 100 successful tasks an hour (10,000 to the horizon)
        VariantVerdict ft = variant(verdict, "ft");
        assertThat(ft.perSuccessfulTask()).isCloseTo(0.5, within(1e-12));
        assertThat(ft.windows()).isEqualTo(3);
        assertThat(ft.successfulTasks()).isEqualTo(120);
        assertThat(ft.successRate()).isCloseTo(0.9375, within(1e-12));
        assertThat(ft.energyCoverage()).isEqualTo(0.5);
        assertThat(verdict.successfulTasksToHorizon()).isCloseTo(10_000.0, within(1e-6));
    }

    @Test
    void trafficWithoutAnyEnergyFigureHasNoWinner() {
        // Given every window's traffic without energy coverage
        Story story = new Story();
        Figures uncovered = new Figures(32, 30, null, 0.0, null);
        story.windows = List.of(window(0, true, uncovered, Map.of("ft", uncovered, "rag", uncovered)));

        // When, Then
        Verdict verdict = story.decide();
        assertThat(verdict.noWinner().reason()).isEqualTo(Reason.NO_FIGURES);
        assertThat(verdict.summary()).isEqualTo("No winner: no variant has an energy figure per successful task in the"
                + " recent closed windows (1 window)");
    }

    @Test
    void aDropThatCannotBeEvaluatedDoesNotExcludeButMakesTheVerdictProvisional() {
        // Given only a maximum drop, and no baseline traffic nor reference: no baseline success rate to measure from
        Story story = new Story();
        story.bar = new QualityBar(null, 0.05);
        List<Window> windows = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            windows.add(window(w, true, null, Map.of("ft", metered(32, 30, 15), "rag", metered(32, 30, 24))));
        }
        story.windows = windows;

        // When
        Verdict verdict = story.decide();

        // Then 60 an hour x 100 h = 6,000 tasks: ft 10,000 + 3,000 = 13,000 Wh, rag 800 + 4,800 = 5,600 Wh
        assertThat(variant(verdict, "rag").meetsQualityBar()).isNull();
        assertThat(verdict.winner().candidateId()).isEqualTo("rag");
        assertThat(verdict.margin().absolute()).isCloseTo(7_400.0, within(1e-6));
        assertThat(verdict.provisionalReasons()).containsExactly(
                "the baseline (llama-3.1-70b) has no energy figure per successful task in the recent closed windows",
                "ft (fine-tune): maxSuccessRateDrop not evaluated: no baseline success rate",
                "RAG: maxSuccessRateDrop not evaluated: no baseline success rate");
    }

    @Test
    void aCandidateWhoseIdOnlyRepeatsItsKindIsNamedByTheKindAlone() {
        assertThat(label("rag", CandidateKind.RAG)).isEqualTo("RAG");
        assertThat(label("fine-tune", CandidateKind.FINE_TUNE)).isEqualTo("fine-tune");
        assertThat(label("Prompt", CandidateKind.PROMPT)).isEqualTo("prompt");
        assertThat(label("rag-v2", CandidateKind.RAG)).isEqualTo("rag-v2 (RAG)");
        assertThat(label("ft", CandidateKind.FINE_TUNE)).isEqualTo("ft (fine-tune)");
        assertThat(label("x", null)).isEqualTo("x");
    }

    private static String label(String candidateId, CandidateKind kind) {
        return new VariantVerdict(candidateId, "m", kind, 0, true, null, null, 0, 0, null, null, null, null, null, null,
                null).label();
    }

    @Test
    void theLowestEnergyCoverageIsTheRankedVariantsLowest() {
        VariantVerdict covered = coverage("a", 1.0);
        VariantVerdict partly = coverage("b", 0.62);
        VariantVerdict unknown = coverage("c", null);
        assertThat(verdictOf(List.of(covered, partly, unknown)).lowestEnergyCoverage()).isEqualTo(0.62);
        assertThat(verdictOf(List.of(unknown)).lowestEnergyCoverage()).isNull();
    }

    private static VariantVerdict coverage(String id, Double coverage) {
        return new VariantVerdict(id, "m", CandidateKind.OTHER, 0, true, null, null, 0, 0, null, null, null, null, null,
                null, coverage);
    }

    private static Verdict verdictOf(List<VariantVerdict> ranking) {
        return new Verdict("c", Basis.ENERGY, null, null, Verdict.WindowSpan.NONE, null, null, ranking, ranking, null,
                null, List.of(), null, null, false, List.of());
    }
}
