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

import io.carbonllm.payback.core.EngineDriver;
import io.carbonllm.payback.core.compare.Comparisons;
import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the ledger, on the production path: {@link Comparisons} and {@link Ledgers}, as the engine calls them. */
class LedgerPropertiesTest {

    /** One-hour windows, a grace of five: any interleaving of four windows' revisions is within grace. */
    private static final Duration GRACE = HOUR.multipliedBy(5);

    // ---------------------------------------------------------------------------------------------------------------
    // Any order of revisions within grace: the same ledger as each window's final figures once.
    // ---------------------------------------------------------------------------------------------------------------

    /** Tasks a revision adds to a window: baseline successes and failures, candidate successes, failures, uncovered. */
    record Increment(int baselineOk, int baselineFailed, int candidateOk, int candidateFailed, int candidateUncovered) {
    }

    /** A window's revisions (counts only grow) and its energy per request on each side. */
    record WindowHistory(List<Increment> increments, double baselineWh, double candidateWh) {

        /** The window as of revision {@code r}: the increments up to it added up. */
        VariantWindow[] asOf(int w, int r) {
            Increment sum = new Increment(0, 0, 0, 0, 0);
            for (Increment i : increments.subList(0, r + 1)) {
                sum = new Increment(sum.baselineOk() + i.baselineOk(), sum.baselineFailed() + i.baselineFailed(),
                        sum.candidateOk() + i.candidateOk(), sum.candidateFailed() + i.candidateFailed(),
                        sum.candidateUncovered() + i.candidateUncovered());
            }
            Instant start = hour(w);
            VariantWindow baseline = sum.baselineOk() + sum.baselineFailed() == 0 ? null
                    : window(BASELINE_MODEL, start).tasks(sum.baselineOk(), true, baselineWh)
                            .tasks(sum.baselineFailed(), false, baselineWh).build();
            VariantWindow candidate = sum.candidateOk() + sum.candidateFailed() + sum.candidateUncovered() == 0 ? null
                    : window(CANDIDATE_MODEL, start).tasks(sum.candidateOk(), true, candidateWh)
                            .tasks(sum.candidateFailed(), false, candidateWh)
                            .uncovered(sum.candidateUncovered(), true).build();
            return new VariantWindow[] {baseline, candidate};
        }
    }

    /** How thin baseline windows are priced: not at all, from a fixed trailing reference, or from a pin. */
    enum ReferenceKind { NONE, TRAILING, PINNED }

    /**
     * Windows with their revisions, the order the revisions arrive in (each window's in its own order), and where in
     * its allowed range each arrival puts stream time.
     */
    record Story(List<WindowHistory> windows, List<Integer> arrivals, List<Double> streamTimeFractions,
                 ReferenceKind reference, String basis) {
    }

    /** One revision's arrival: which window, which of its revisions, and the stream time it arrives at. */
    record Arrival(int window, int revision, long streamTime) {
    }

    /**
     * The story's arrivals in order, each at a stream time no earlier than the last and than its window's start, and
     * earlier than the end + grace of every window that still has a revision to come.
     */
    static List<Arrival> arrivals(Story story) {
        List<Arrival> arrivals = new ArrayList<>();
        int[] next = new int[story.windows().size()];
        long streamTime = T0.toEpochMilli();
        for (int k = 0; k < story.arrivals().size(); k++) {
            int w = story.arrivals().get(k);
            long lower = Math.max(streamTime, hour(w).toEpochMilli());
            long upper = Long.MAX_VALUE;
            for (int j = k; j < story.arrivals().size(); j++) {
                upper = Math.min(upper, hour(story.arrivals().get(j) + 1).plus(GRACE).toEpochMilli() - 1);
            }
            streamTime = lower + (long) (story.streamTimeFractions().get(k) * (upper - lower));
            arrivals.add(new Arrival(w, next[w]++, streamTime));
        }
        return arrivals;
    }

    @Provide
    Arbitrary<Story> stories() {
        Arbitrary<Increment> increment = Combinators.combine(Arbitraries.integers().between(0, 12),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 2)).as(Increment::new);
        Arbitrary<WindowHistory> history = Combinators.combine(increment.list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.doubles().between(0.5, 5.0).ofScale(3), Arbitraries.doubles().between(0.1, 6.0).ofScale(3))
                .as(WindowHistory::new);
        return Combinators.combine(history.list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(ReferenceKind.class),
                Arbitraries.of("ENERGY", "CO2E_LOCATION", "CO2E_MARKET")).flatAs((windows, reference, basis) -> {
                    List<Integer> tokens = new ArrayList<>();
                    for (int w = 0; w < windows.size(); w++) {
                        for (int r = 0; r < windows.get(w).increments().size(); r++) {
                            tokens.add(w);
                        }
                    }
                    return Combinators.combine(Arbitraries.shuffle(tokens),
                            Arbitraries.doubles().between(0, 1).list().ofSize(tokens.size()))
                            .as((order, fractions) -> new Story(windows, order, fractions, reference, basis));
                });
    }

    @Property(tries = 300)
    void anyOrderOfRevisionsWithinGraceEndsInTheSameLedgerAsEachWindowsFinalFiguresOnce(@ForAll("stories") Story story) {
        ComparisonDefinition def = definition().setMinBaselineTasks(10).setBasis(story.basis())
                .setPinnedBaselineWhPerSuccessfulTask(story.reference() == ReferenceKind.PINNED ? 3.125 : null)
                .setPinnedBaselineSuccessRate(story.reference() == ReferenceKind.PINNED ? 0.8 : null).build();
        // A trailing reference from before the story, fixed, so the comparison of a window depends on its own figures
        // only and the ledger is what is under test: December 2025, 20 tasks at 2.5 Wh, 16 successful.
        BaselineReference reference = Comparisons.updateReference(null, def, story.reference() != ReferenceKind.TRAILING
                ? null : window(BASELINE_MODEL, Instant.parse("2025-12-31T00:00:00Z")).tasks(16, true, 2.5)
                .tasks(4, false, 2.5).build());
        Ledgers.Context ctx = new Ledgers.Context(def, def.getCandidates().get(0), GRACE,
                Charges.charge(Map.of(), List.of(), id -> null, null), FACTORS);
        int windows = story.windows().size();
        long end = hour(windows).plus(GRACE).toEpochMilli();

        // Interleaved: each arrival at a stream time no earlier than the last and than its window's start, and
        // earlier than the end + grace of every window that still has a revision to come
        LedgerState interleaved = Ledgers.empty(def.getComparisonId(), CANDIDATE);
        for (Arrival a : arrivals(story)) {
            interleaved = apply(interleaved, ctx, def, reference, a.window(),
                    story.windows().get(a.window()).asOf(a.window(), a.revision()), a.streamTime());
        }
        interleaved = Ledgers.advance(interleaved, ctx, end);

        // Once: each window's final revision, in window order, then past every grace
        LedgerState once = Ledgers.empty(def.getComparisonId(), CANDIDATE);
        for (int w = 0; w < windows; w++) {
            WindowHistory h = story.windows().get(w);
            once = apply(once, ctx, def, reference, w, h.asOf(w, h.increments().size() - 1), hour(w).toEpochMilli());
        }
        once = Ledgers.advance(once, ctx, end);

        PaybackStatus a = Ledgers.status(interleaved, ctx);
        PaybackStatus b = Ledgers.status(once, ctx);
        assertThat(a.getEnergy().getSaved()).isEqualTo(b.getEnergy().getSaved());
        assertThat(a.getCo2eLocation().getSaved()).isEqualTo(b.getCo2eLocation().getSaved());
        assertThat(a.getCo2eMarket().getSaved()).isEqualTo(b.getCo2eMarket().getSaved());
        assertThat(a.getSuccessfulTasks()).isEqualTo(b.getSuccessfulTasks());
        assertThat(a.getUnpricedSuccessfulTasks()).isEqualTo(b.getUnpricedSuccessfulTasks());
        assertThat(a.getWindowsCounted()).isEqualTo(b.getWindowsCounted()).isEqualTo(windows);
        assertThat(a.getLateRevisionsIgnored()).isZero();
        assertThat(interleaved.getRecentClosed()).isEqualTo(once.getRecentClosed());
        assertThat(interleaved.getClosedThrough()).isEqualTo(once.getClosedThrough());
        assertThat(a).isEqualTo(b);
    }

    /**
     * The same through the whole engine step, with the trailing reference built from the story's own baseline
     * windows: a revision of an earlier baseline window re-prices the later open windows that rest on the reference,
     * so the order in which revisions arrive within grace still does not matter.
     */
    @Property(tries = 300)
    void anyOrderOfRevisionsThroughTheEngineEndsInTheSameStatus(@ForAll("stories") Story story,
                                                                 @ForAll @IntRange(min = 1, max = 3) int lookback) {
        // minBaselineTasks 10: a window with fewer baseline tasks (0 to 15 here) is thin and uses the reference, or
        // the pin (priced where the reference says the baseline last ran); a look-back shorter than the story, so the
        // reference drops windows while later ones are still open
        ComparisonDefinition def = definition().setMinBaselineTasks(10).setBasis(story.basis())
                .setSavingRateLookbackWindows(lookback).setFireAfterWindows(1).setResolveAfterWindows(1)
                .setPinnedBaselineWhPerSuccessfulTask(story.reference() == ReferenceKind.PINNED ? 3.125 : null)
                .setPinnedBaselineSuccessRate(story.reference() == ReferenceKind.PINNED ? 0.8 : null).build();
        int windows = story.windows().size();
        Instant end = hour(windows).plus(GRACE);

        EngineDriver interleaved = new EngineDriver(def, HOUR, GRACE);
        for (Arrival a : arrivals(story)) {
            VariantWindow[] asOf = story.windows().get(a.window()).asOf(a.window(), a.revision());
            interleaved.window(hour(a.window()), asOf[0], asOf[1], Instant.ofEpochMilli(a.streamTime()));
        }
        interleaved.advance(end);

        EngineDriver once = new EngineDriver(def, HOUR, GRACE);
        for (int w = 0; w < windows; w++) {
            WindowHistory h = story.windows().get(w);
            VariantWindow[] last = h.asOf(w, h.increments().size() - 1);
            once.window(hour(w), last[0], last[1], hour(w));
        }
        once.advance(end);

        if (once.status() == null) {
            assertThat(interleaved.status()).isNull();
            return;
        }
        assertThat(interleaved.status().getEnergy().getSaved()).isEqualTo(once.status().getEnergy().getSaved());
        assertThat(interleaved.ledger().getRecentClosed()).isEqualTo(once.ledger().getRecentClosed());
        assertThat(interleaved.status()).isEqualTo(once.status());
        assertThat(interleaved.transitions()).isEqualTo(once.transitions());
    }

    private static LedgerState apply(LedgerState state, Ledgers.Context ctx, ComparisonDefinition def,
                                     BaselineReference reference, int w, VariantWindow[] windows, long streamTime) {
        Map<String, VariantWindow> candidates = new HashMap<>();
        if (windows[1] != null) {
            candidates.put(CANDIDATE, windows[1]);
        }
        ComparisonWindow compared = Comparisons.compare(def, hour(w), hour(w + 1), windows[0], candidates, reference,
                FACTORS);
        return Ledgers.apply(state, ctx, compared, compared.getCandidates().get(0), streamTime);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // A candidate that is not cheaper per successful task never pays back through saving.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * A window: the baseline's successful and failed tasks at {@code baselineWh} each (none at all: the pin applies),
     * the candidate's, and how much dearer per successful task than the baseline figure it is ({@code extra} >= 0).
     */
    record DearerWindow(int baselineOk, int baselineFailed, double baselineWh, int candidateOk, int candidateFailed,
                        int candidateUncovered, double extra) {
    }

    @Provide
    Arbitrary<List<DearerWindow>> dearerWindows() {
        Arbitrary<DearerWindow> window = Combinators.combine(
                Arbitraries.integers().between(20, 40).injectNull(0.3), Arbitraries.integers().between(0, 10),
                Arbitraries.doubles().between(0.01, 50.0), Arbitraries.integers().between(0, 30),
                Arbitraries.integers().between(0, 10), Arbitraries.integers().between(0, 5),
                Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0.0, 2.0)))
                .as((ok, failed, wh, cOk, cFailed, cUncovered, extra) -> new DearerWindow(ok == null ? 0 : ok,
                        ok == null ? 0 : failed, wh, cOk, cFailed, cUncovered, extra));
        return window.list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 500)
    void aCandidateNotCheaperPerSuccessfulTaskNeverReachesPaidBack(
            @ForAll("dearerWindows") List<DearerWindow> windows,
            @ForAll("footprintKwh") Double footprintKwh,
            @ForAll("bases") String basis,
            @ForAll("pins") double pinnedWh,
            @ForAll("lookbacks") int lookback) {
        ComparisonDefinition def = definition(footprintKwh == null ? new String[0] : new String[] {"run"})
                .setBasis(basis).setPinnedBaselineWhPerSuccessfulTask(pinnedWh).setPinnedBaselineSuccessRate(0.9)
                .setSavingRateLookbackWindows(lookback).setHorizonEnd(T0.plus(Duration.ofDays(7))).build();
        EngineDriver engine = new EngineDriver(def, HOUR, HOUR);
        if (footprintKwh != null) {
            engine.run(TrainingRun.newBuilder().setRunId("run").setMeteredKwh(footprintKwh).setMeteredScope("FACILITY")
                    .setRegion("eu-north-1").setStartedAt(T0.minus(Duration.ofDays(1))).build());
        }
        for (int w = 0; w < windows.size(); w++) {
            DearerWindow d = windows.get(w);
            Instant start = hour(w);
            VariantWindow baseline = d.baselineOk() + d.baselineFailed() == 0 ? null
                    : window(BASELINE_MODEL, start).tasks(d.baselineOk(), true, d.baselineWh())
                            .tasks(d.baselineFailed(), false, d.baselineWh()).build();
            // The figure the window is compared with: its own baseline with enough tasks, else the pin
            double figure = baseline != null ? baseline.getWhPerSuccessfulTask() : pinnedWh;
            int requests = d.candidateOk() + d.candidateFailed() + d.candidateUncovered();
            int successes = d.candidateOk() + d.candidateUncovered();
            // Per successful task the candidate costs whEach x requests / successes = figure x (1 + extra)
            double whEach = successes == 0 ? figure * (1 + d.extra()) : figure * (1 + d.extra()) * successes / requests;
            VariantWindow candidate = requests == 0 ? null : window(CANDIDATE_MODEL, start)
                    .tasks(d.candidateOk(), true, whEach).tasks(d.candidateFailed(), false, whEach)
                    .uncovered(d.candidateUncovered(), true).build();
            ComparisonWindow compared = engine.window(start, baseline, candidate, start.plus(Duration.ofMinutes(59)));
            CandidateWindow c = compared.getCandidates().get(0);
            if (c.getWindow() != null && c.getWindow().getWhPerSuccessfulTask() != null) {
                Assume.that(c.getWindow().getWhPerSuccessfulTask() >= compared.getBaselineWhPerSuccessfulTask());
            }
            assertNotPaidBack(engine.status());
        }
        engine.advance(hour(windows.size()).plus(HOUR));
        assertNotPaidBack(engine.status());
    }

    private static void assertNotPaidBack(PaybackStatus status) {
        BasisLedger driving = switch (status.getBasis()) {
            case "CO2E_LOCATION" -> status.getCo2eLocation();
            case "CO2E_MARKET" -> status.getCo2eMarket();
            default -> status.getEnergy();
        };
        assertThat(status.getStatus()).as("status of %s", status).isNotEqualTo(PaybackState.PAID_BACK.name());
        assertThat(driving.getStatus()).isNotEqualTo(PaybackState.PAID_BACK.name());
        assertThat(driving.getSaved()).isLessThanOrEqualTo(0.0);
    }

    @Provide
    Arbitrary<Double> footprintKwh() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0.0, 100.0)).injectNull(0.3);
    }

    @Provide
    Arbitrary<String> bases() {
        return Arbitraries.of("ENERGY", "CO2E_LOCATION", "CO2E_MARKET");
    }

    @Provide
    Arbitrary<Double> pins() {
        return Arbitraries.doubles().between(0.01, 50.0);
    }

    @Provide
    Arbitrary<Integer> lookbacks() {
        return Arbitraries.integers().between(1, 10);
    }

    private static Instant hour(int n) {
        return T0.plus(HOUR.multipliedBy(n));
    }
}
