package io.carbonllm.payback.core.verdict;

import io.carbonllm.payback.core.compare.BaselineSource;
import io.carbonllm.payback.core.ledger.Amounts;
import io.carbonllm.payback.core.ledger.Projection;
import io.carbonllm.payback.core.verdict.VariantVerdict.FigureSource;
import io.carbonllm.payback.core.verdict.Verdict.Margin;
import io.carbonllm.payback.core.verdict.Verdict.NoWinner;
import io.carbonllm.payback.core.verdict.Verdict.Reason;
import io.carbonllm.payback.core.verdict.Verdict.WindowSpan;
import io.carbonllm.payback.core.verdict.VerdictInput.Figures;
import io.carbonllm.payback.core.verdict.VerdictInput.Reference;
import io.carbonllm.payback.core.verdict.VerdictInput.Variant;
import io.carbonllm.payback.core.verdict.VerdictInput.Window;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The verdict: which variant, the baseline included, has the lowest total energy (or CO2e) over the horizon among
 * those of acceptable quality; by how much; and how sure that is. Plain Java, no Kafka; the HTTP API calls
 * {@link #decide} with {@link VerdictInputs#from}.
 *
 * <p><b>Per variant</b>, in the comparison's basis:
 * <pre>
 *   per successful task  = its energy in the recent closed windows (failed tasks included) / its successful tasks
 *   N                    = the use case's successful tasks per day (all variants together) x days to the horizon end,
 *                          or the horizon's task count, whichever is smaller
 *   projected inference  = per successful task x N
 *   total                = one-off footprint (0 for the baseline) + projected inference
 * </pre>
 * Every variant is judged on the same N: how the traffic is split today (a 5 % canary) says nothing about what each
 * architecture would cost serving the use case. The rate counts the variants' traffic as the input gives it (for
 * {@link VerdictInputs#from}, of their current models only). The recent closed windows are the latest
 * {@code savingRateLookbackWindows} closed ones, as for the ledger's rate; open windows are not counted (a window with
 * one task so far is not yet a figure). Days run from the end of the latest of them (event time, as the ledger's
 * projection does). A task-count horizon is read as the next that many successful tasks: the baseline has no ledger
 * counting its tasks since the epoch, so the verdict cannot count down a lifetime task horizon the way a candidate's
 * ledger does.
 *
 * <p><b>The baseline's figure</b> is its own traffic when it had at least {@code minBaselineTasks} successful tasks in
 * the recent windows. Otherwise (all traffic moved to a candidate, say) it is the reference its candidates were
 * compared with in those windows (trailing or pinned), averaged over them, with that reference's success rate and tier;
 * else its own thin traffic; else none.
 *
 * <p><b>The winner</b> is the lowest total among the variants that have one and are not below the quality bar
 * ({@code minSuccessRate}; {@code maxSuccessRateDrop} against the baseline's success rate), with the margin to the
 * runner-up. Totals equal to one part in 10^9 tie, and a tie has no winner.
 *
 * <p><b>Provisional</b> (the evidence is thin) when any of these holds, each stated as a reason:
 * <ul>
 *   <li>there is no winner;</li>
 *   <li>some variant's figure rests on fewer than {@link #MIN_WINDOWS} recent closed windows (or on all of them, when
 *       the look-back is shorter): one window can be a burst, a deploy or a cold cache; three is the engine's default
 *       alert streak ({@code fireAfterWindows}), its notion of a trend rather than a blip. A variant without a figure
 *       rests on none;</li>
 *   <li>some variant's figure from its own traffic rests on fewer than {@code minBaselineTasks} successful tasks: the
 *       definition's own threshold for a figure to stand alone. (A reference is exempt: each of its windows had that
 *       many tasks, and a pinned figure is a stated input, labelled {@code ESTIMATED}.);</li>
 *   <li>the winner's footprint is incomplete (runs charged to it are missing): it is a lower bound, so the winner
 *       might lose. A loser's incomplete footprint cannot change the outcome;</li>
 *   <li>a ranked variant's quality could not be evaluated (only a drop is set, and the baseline has no success rate).</li>
 * </ul>
 */
public final class Verdicts {

    /** The fewest recent closed windows a variant's figure may rest on before the verdict is provisional. */
    public static final int MIN_WINDOWS = 3;
    /** Totals closer than this, relatively, are the same total summed in another order: a tie. */
    static final double SAME_TOTAL = 1e-9;
    private static final double MS_PER_DAY = 86_400_000.0;

    private Verdicts() {
    }

    public static Verdict decide(VerdictInput in) {
        List<Window> used = recentClosed(in);
        WindowSpan span = used.isEmpty() ? WindowSpan.NONE
                : new WindowSpan(used.size(), used.get(0).start(), used.get(used.size() - 1).end());
        Instant asOf = span.to();

        Tally baselineTally = Tally.of(used, Window::baseline);
        List<Tally> candidateTallies = in.candidates().stream()
                .map(c -> Tally.of(used, w -> w.candidates().get(c.candidateId()))).toList();
        long allSuccessful = baselineTally.successfulTasks
                + candidateTallies.stream().mapToLong(t -> t.successfulTasks).sum();
        Double perDay = used.isEmpty() ? null
                : allSuccessful * MS_PER_DAY / Math.max(1, span.to().toEpochMilli() - span.from().toEpochMilli());
        Double toHorizon = successfulTasksToHorizon(in.horizon(), asOf, perDay);

        List<Figure> figures = new ArrayList<>();
        figures.add(baselineFigure(in, used, baselineTally));
        candidateTallies.forEach(t -> figures.add(Figure.own(t)));
        Double baselineRate = figures.get(0).successRate();
        List<Variant> inputs = new ArrayList<>();
        inputs.add(in.baseline());
        inputs.addAll(in.candidates());
        List<VariantVerdict> variants = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            variants.add(line(in, inputs.get(i), figures.get(i), baselineRate, toHorizon));
        }

        // Stable: equal totals keep the baseline first, then the definition's order
        List<VariantVerdict> ranking = variants.stream().filter(VariantVerdict::qualifies)
                .sorted(Comparator.comparingDouble(VariantVerdict::total)).toList();
        List<VariantVerdict> tied = ranking.isEmpty() ? List.of()
                : ranking.stream().filter(v -> same(v.total(), ranking.get(0).total())).toList();
        NoWinner noWinner = noWinner(in, variants, ranking, tied, allSuccessful, asOf, span);
        VariantVerdict winner = noWinner == null ? ranking.get(0) : null;
        Margin margin = winner != null && ranking.size() > 1 ? margin(winner, ranking.get(1)) : null;
        EvidenceTier weakest = null;
        for (VariantVerdict v : ranking) {
            weakest = weakest(weakest, v.tier());
        }
        List<String> reasons = provisionalReasons(in, variants, figures, winner, noWinner);
        boolean tie = noWinner != null && noWinner.reason() == Reason.TIE;
        return new Verdict(in.comparisonId(), in.basis(), in.horizon(), asOf, span, perDay, toHorizon, variants,
                ranking, winner, margin, tie ? tied : List.of(), noWinner, weakest, !reasons.isEmpty(), reasons);
    }

    /** The latest {@code lookbackWindows} closed windows, oldest first. */
    static List<Window> recentClosed(VerdictInput in) {
        List<Window> closed = in.windows().stream().filter(Window::closed)
                .sorted(Comparator.comparing(Window::start)).toList();
        return closed.subList(Math.max(0, closed.size() - in.lookbackWindows()), closed.size());
    }

    /**
     * The successful tasks every variant is judged on: to the horizon end at {@code perDay} (none once it has passed),
     * or the horizon's count, whichever is smaller. Null without a horizon, or with an end and no window to project
     * from.
     */
    static Double successfulTasksToHorizon(Projection.Horizon horizon, Instant asOf, Double perDay) {
        if (!horizon.isSet()) {
            return null;
        }
        Double byTime = null;
        if (horizon.end() != null) {
            if (asOf == null || perDay == null) {
                return null;
            }
            double days = Math.max(0, horizon.end().toEpochMilli() - asOf.toEpochMilli()) / MS_PER_DAY;
            byTime = perDay * days;
        }
        Double byCount = horizon.successfulTasks() == null ? null : horizon.successfulTasks().doubleValue();
        if (byTime == null) {
            return byCount;
        }
        return byCount == null ? byTime : Math.min(byTime, byCount);
    }

    /** A variant's own traffic summed over the recent closed windows, as one window. */
    static final class Tally {

        long tasks;
        long successfulTasks;
        /** Successful tasks in the windows with an energy figure: the denominator of the figure per task. */
        long pricedSuccessfulTasks;
        Amounts energy = Amounts.ZERO;
        int pricedWindows;
        EvidenceTier tier;
        Double lowestCoverage;

        static Tally of(List<Window> windows, Function<Window, Figures> figuresOf) {
            Tally t = new Tally();
            for (Window w : windows) {
                Figures f = figuresOf.apply(w);
                if (f == null) {
                    continue;
                }
                t.tasks += f.tasks();
                t.successfulTasks += f.successfulTasks();
                if (f.energy() != null) {
                    t.energy = t.energy.plus(f.energy());
                    t.pricedSuccessfulTasks += f.successfulTasks();
                    t.pricedWindows++;
                    t.tier = weakest(t.tier, f.tier());
                    if (f.energyCoverage() != null) {
                        t.lowestCoverage = t.lowestCoverage == null ? f.energyCoverage()
                                : Math.min(t.lowestCoverage, f.energyCoverage());
                    }
                }
            }
            return t;
        }

        Double successRate() {
            return tasks > 0 ? (double) successfulTasks / tasks : null;
        }
    }

    /** A variant's figure per successful task, in the three bases, and what it rests on. */
    record Figure(FigureSource source, Amounts perTask, Double successRate, EvidenceTier tier, Double coverage,
                  int windows, long successfulTasks, long pricedSuccessfulTasks) {

        static Figure own(Tally t) {
            Amounts perTask = t.pricedSuccessfulTasks > 0 ? t.energy.per(t.pricedSuccessfulTasks) : null;
            return new Figure(perTask == null ? FigureSource.NONE : FigureSource.OWN_WINDOWS, perTask, t.successRate(),
                    perTask == null ? null : t.tier, perTask == null ? null : t.lowestCoverage,
                    perTask == null ? 0 : t.pricedWindows, t.successfulTasks, t.pricedSuccessfulTasks);
        }
    }

    /**
     * The baseline's own traffic when it had at least {@code minBaselineTasks} successful tasks with an energy figure;
     * else the reference the windows were compared with, averaged over the windows that carry one; else its own thin
     * traffic, if any.
     */
    static Figure baselineFigure(VerdictInput in, List<Window> used, Tally own) {
        Figure mine = Figure.own(own);
        if (own.pricedSuccessfulTasks >= in.minBaselineTasks()) {
            return mine;
        }
        List<Reference> references = used.stream().map(Window::baselineReference).filter(r -> r != null).toList();
        if (references.isEmpty()) {
            return mine;
        }
        Amounts sum = Amounts.ZERO;
        double rates = 0;
        int rated = 0;
        EvidenceTier tier = null;
        for (Reference r : references) {
            sum = sum.plus(r.perSuccessfulTask());
            tier = weakest(tier, r.tier());
            if (r.successRate() != null) {
                rates += r.successRate();
                rated++;
            }
        }
        BaselineSource latest = references.get(references.size() - 1).source();
        FigureSource source = latest == BaselineSource.PINNED_REFERENCE ? FigureSource.PINNED_REFERENCE
                : FigureSource.TRAILING_REFERENCE;
        return new Figure(source, sum.times(1.0 / references.size()), rated > 0 ? rates / rated : null, tier, null,
                references.size(), own.successfulTasks, own.pricedSuccessfulTasks);
    }

    private static VariantVerdict line(VerdictInput in, Variant variant, Figure figure, Double baselineRate,
                                       Double toHorizon) {
        double footprint = variant.footprint().get(in.basis());
        Double perTask = figure.perTask() == null ? null : figure.perTask().get(in.basis());
        Double projected = perTask == null || toHorizon == null ? null : perTask * toHorizon;
        Double total = projected == null ? null : footprint + projected;
        Boolean meets;
        String note;
        if (!in.qualityBar().isSet()) {
            meets = Boolean.TRUE;
            note = "no quality bar is set";
        } else if (figure.successRate() == null) {
            meets = null;
            note = "no task in the recent closed windows: quality not evaluated";
        } else {
            // The baseline measured against itself: no drop
            Double against = variant.isBaseline() ? figure.successRate() : baselineRate;
            Boolean below = in.qualityBar().below(figure.successRate(), against);
            meets = below == null ? null : !below;
            note = qualityNote(in, figure.successRate(), against, below);
        }
        EvidenceTier tier = weakest(figure.tier(), variant.footprintTier());
        return new VariantVerdict(variant.candidateId(), variant.modelId(), variant.kind(), footprint,
                variant.footprintComplete(), figure.source(), perTask, figure.windows(), figure.successfulTasks(),
                figure.successRate(), meets, note, projected, total, tier, figure.coverage());
    }

    private static String qualityNote(VerdictInput in, double rate, Double against, Boolean below) {
        Double min = in.qualityBar().minSuccessRate();
        Double drop = in.qualityBar().maxSuccessRateDrop();
        if (below == null) {
            return "maxSuccessRateDrop not evaluated: no baseline success rate";
        }
        if (!below) {
            return "success rate " + rate(rate) + " meets the bar";
        }
        if (min != null && rate < min) {
            return "success rate " + rate(rate) + " is below the minimum " + rate(min);
        }
        return "success rate " + rate(rate) + " is " + rate(against - rate) + " below the baseline's " + rate(against)
                + ", more than the " + rate(drop) + " allowed";
    }

    private static NoWinner noWinner(VerdictInput in, List<VariantVerdict> variants, List<VariantVerdict> ranking,
                                     List<VariantVerdict> tied, long allSuccessful, Instant asOf, WindowSpan span) {
        if (!in.horizon().isSet()) {
            return new NoWinner(Reason.NO_HORIZON,
                    "the comparison has no horizon (horizonEnd or horizonSuccessfulTasks) to total over");
        }
        if (allSuccessful == 0) {
            return new NoWinner(Reason.NO_RECENT_TRAFFIC, span.count() == 0
                    ? "no closed window yet, so no rate or figure to project with"
                    : "no successful task in the recent closed windows, so no rate or figure to project with");
        }
        if (in.horizon().end() != null && !in.horizon().end().isAfter(asOf)) {
            return new NoWinner(Reason.HORIZON_PASSED, "the horizon ended at " + in.horizon().end()
                    + ", at or before the end of the latest closed window (" + asOf + "): nothing is left to project");
        }
        if (variants.stream().allMatch(v -> v.total() == null)) {
            return new NoWinner(Reason.NO_FIGURES,
                    "no variant has an energy figure per successful task in the recent closed windows");
        }
        if (ranking.isEmpty()) {
            StringBuilder rates = new StringBuilder();
            for (VariantVerdict v : variants) {
                if (v.total() != null) {
                    rates.append(rates.length() == 0 ? "" : "; ").append(v.label()).append(": ").append(v.qualityNote());
                }
            }
            return new NoWinner(Reason.NONE_MEETS_QUALITY_BAR, "no variant meets the quality bar (" + rates + ")");
        }
        if (tied.size() > 1) {
            List<String> labels = tied.stream().map(VariantVerdict::label).toList();
            String names = String.join(", ", labels.subList(0, labels.size() - 1)) + " and " + labels.get(labels.size() - 1);
            return new NoWinner(Reason.TIE, names + " tie at " + Verdict.amount(tied.get(0).total(), in.basis()) + " of "
                    + Verdict.basisWords(in.basis()) + " over the horizon");
        }
        return null;
    }

    private static Margin margin(VariantVerdict winner, VariantVerdict runnerUp) {
        double absolute = runnerUp.total() - winner.total();
        return new Margin(runnerUp, absolute, runnerUp.total() > 0 ? absolute / runnerUp.total() : null);
    }

    private static List<String> provisionalReasons(VerdictInput in, List<VariantVerdict> variants,
                                                   List<Figure> figures, VariantVerdict winner, NoWinner noWinner) {
        List<String> reasons = new ArrayList<>();
        if (noWinner != null) {
            reasons.add("no winner: " + noWinner.detail());
        }
        int needed = Math.min(MIN_WINDOWS, in.lookbackWindows());
        for (int i = 0; i < variants.size(); i++) {
            VariantVerdict v = variants.get(i);
            if (v.source() == FigureSource.NONE) {
                reasons.add(v.label() + " has no energy figure per successful task in the recent closed windows");
                continue;
            }
            if (v.windows() < needed) {
                reasons.add(v.label() + " has a figure in " + v.windows() + " closed window" + (v.windows() == 1 ? "" : "s")
                        + ", fewer than the " + needed + " needed");
            }
            long successful = figures.get(i).pricedSuccessfulTasks();
            if (v.source() == FigureSource.OWN_WINDOWS && successful < in.minBaselineTasks()) {
                reasons.add(v.label() + " has " + successful + " successful tasks with an energy figure, fewer than"
                        + " minBaselineTasks (" + in.minBaselineTasks() + ")");
            }
        }
        if (winner != null && !winner.footprintComplete()) {
            reasons.add(winner.label() + "'s footprint is a lower bound: runs charged to it are missing or invalid");
        }
        for (VariantVerdict v : variants) {
            if (v.qualifies() && v.meetsQualityBar() == null) {
                reasons.add(v.label() + ": " + v.qualityNote());
            }
        }
        return reasons;
    }

    private static boolean same(double a, double b) {
        return Math.abs(a - b) <= SAME_TOTAL * Math.max(Math.abs(a), Math.abs(b));
    }

    static EvidenceTier weakest(EvidenceTier a, EvidenceTier b) {
        return a == null ? b : b == null ? a : a.weakest(b);
    }

    private static String rate(double rate) {
        return String.format(Locale.ROOT, "%.3f", rate).replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
