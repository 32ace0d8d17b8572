package io.carbonllm.payback.core.ledger;

import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.definition.QualityBar;
import io.carbonllm.payback.core.evidence.FactorRows;
import io.carbonllm.payback.core.window.TaskOutcomes;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.WindowContribution;
import io.carbonllm.payback.methodology.facility.FactorTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The amortization ledger of one candidate: the one implementation the streams app runs and the property tests test.
 *
 * <ul>
 *   <li><b>A window counts once.</b> A window still open to revision (its end + grace not yet passed in stream time)
 *       keeps its last contribution, and a revision replaces it. Once closed it is folded into the totals, and a later
 *       revision of it is ignored and counted, never added twice.</li>
 *   <li><b>Three bases side by side:</b> facility energy, location- and market-based CO2e, each with its saving, its
 *       footprint, its ratio, its rate and its projection. The comparison's basis drives the status and the alerts.</li>
 *   <li><b>Closed windows only</b> feed the saving rate, the projection and the alert streaks: a window with one task
 *       so far is not yet one of them. The saving so far includes the open windows.</li>
 *   <li><b>Unpriced windows</b> (no baseline figure, or no candidate energy) add neither saving nor successful tasks;
 *       their successful tasks are counted apart.</li>
 *   <li><b>Epochs.</b> Editing the baseline model or the candidate's model starts a new epoch (the use case cannot
 *       change: the fingerprint includes it only to recognise a moved ledger): the
 *       figures start again from zero (the charged runs stay charged), and windows from before are ignored.</li>
 * </ul>
 */
public final class Ledgers {

    private static final double MS_PER_DAY = 86_400_000.0;

    private Ledgers() {
    }

    /** Everything a ledger update needs besides the state: the definitions, the grace, the footprint, the factors. */
    public record Context(ComparisonDefinition definition, CandidateDefinition candidate, Duration grace,
                          Charges.Charged footprint, FactorTable factors) {

        Basis basis() {
            return Basis.parse(definition.getBasis());
        }

        Projection.Horizon horizon() {
            return new Projection.Horizon(definition.getHorizonEnd(), definition.getHorizonSuccessfulTasks());
        }
    }

    public static LedgerState empty(String comparisonId, String candidateId) {
        return LedgerState.newBuilder().setComparisonId(comparisonId).setCandidateId(candidateId).build();
    }

    /** What a ledger's epoch is about: a change to any of these starts a new one. */
    public static String fingerprint(ComparisonDefinition def, CandidateDefinition candidate) {
        return def.getUseCase() + "\u0000" + def.getBaselineModel() + "\u0000" + candidate.getModelId();
    }

    /** The use case of the ledger's epoch; null for a ledger that has counted nothing yet. */
    public static String useCaseOf(LedgerState state) {
        String fingerprint = state.getFingerprint();
        return fingerprint.isEmpty() ? null : fingerprint.substring(0, fingerprint.indexOf('\u0000'));
    }

    /**
     * The ledger in the current epoch: unchanged when the definition still describes the same use case and models,
     * else a new epoch starting at {@code epochStart} (a new ledger counts from the first window it sees).
     */
    public static LedgerState inEpoch(LedgerState state, Context ctx, long epochStart) {
        String fingerprint = fingerprint(ctx.definition(), ctx.candidate());
        if (fingerprint.equals(state.getFingerprint())) {
            return state;
        }
        boolean fresh = state.getFingerprint().isEmpty() && state.getOpenWindows().isEmpty() && state.getClosedWindows() == 0;
        return LedgerState.newBuilder()
                .setComparisonId(state.getComparisonId())
                .setCandidateId(state.getCandidateId())
                .setFingerprint(fingerprint)
                .setEpochStart(fresh ? 0 : epochStart)
                .setChargedRuns(state.getChargedRuns())
                .setLateRevisionsIgnored(state.getLateRevisionsIgnored())
                .setLastStatus(state.getLastStatus())
                .build();
    }

    /**
     * The ledger after the latest revision of one window, with every window whose end + grace is at or before
     * {@code streamTime} closed.
     */
    public static LedgerState apply(LedgerState state, Context ctx, ComparisonWindow window, CandidateWindow candidate,
                                    long streamTime) {
        return advance(revise(state, ctx, window, candidate), ctx, streamTime);
    }

    /**
     * The ledger after the latest revision of one window, closing nothing: the window replaces its last contribution
     * while open. A revision of a closed window, or of one before the epoch, is ignored and counted.
     */
    public static LedgerState revise(LedgerState state, Context ctx, ComparisonWindow window, CandidateWindow candidate) {
        long start = window.getWindowStart().toEpochMilli();
        long end = window.getWindowEnd().toEpochMilli();
        LedgerState current = inEpoch(state, ctx, start);
        if (end <= current.getClosedThrough() || start < current.getEpochStart()) {
            // Closed already, or a window of the previous epoch: never counted (again)
            return LedgerChanges.with(current, l -> l.setLateRevisionsIgnored(current.getLateRevisionsIgnored() + 1));
        }
        WindowContribution next = contribution(ctx, window, candidate);
        Map<String, WindowContribution> open = new HashMap<>(current.getOpenWindows());
        open.put(Long.toString(start), next);
        return LedgerChanges.with(current, l -> l.setOpenWindows(open));
    }

    /** The ledger with every open window whose end + grace is at or before {@code streamTime} folded into the totals. */
    public static LedgerState advance(LedgerState state, Context ctx, long streamTime) {
        LedgerState folded = state;
        for (LedgerState next = closeNext(folded, ctx, streamTime); next != folded; next = closeNext(folded, ctx, streamTime)) {
            folded = next;
        }
        return folded;
    }

    /**
     * The ledger with its oldest open window closed, if that window's end + grace is at or before {@code streamTime};
     * otherwise {@code state} itself. Closing one window at a time lets the alert rules see each closed window.
     */
    public static LedgerState closeNext(LedgerState state, Context ctx, long streamTime) {
        long grace = ctx.grace().toMillis();
        return state.getOpenWindows().values().stream()
                .filter(w -> w.getWindowEnd() + grace <= streamTime)
                .min(Comparator.comparingLong(WindowContribution::getWindowStart))
                .map(w -> close(state, ctx, w))
                .orElse(state);
    }

    private static LedgerState close(LedgerState state, Context ctx, WindowContribution window) {
        Map<String, WindowContribution> open = new HashMap<>(state.getOpenWindows());
        open.remove(Long.toString(window.getWindowStart()));
        List<WindowContribution> recent = new ArrayList<>(state.getRecentClosed());
        recent.add(WindowContribution.newBuilder(window).setFactorRowIds(List.of()).build());
        LedgerState withWindow = LedgerChanges.with(state, b -> {
            b.setOpenWindows(open);
            b.setClosedThrough(Math.max(state.getClosedThrough(), window.getWindowEnd()));
            b.setClosedWindows(state.getClosedWindows() + 1);
            b.setClosedSavingWh(state.getClosedSavingWh() + window.getSavingWh());
            b.setClosedSavingGCo2eLocation(state.getClosedSavingGCo2eLocation() + window.getSavingGCo2eLocation());
            b.setClosedSavingGCo2eMarket(state.getClosedSavingGCo2eMarket() + window.getSavingGCo2eMarket());
            b.setClosedSavingTier(TaskOutcomes.weakest(state.getClosedSavingTier(), window.getSavingTier()));
            b.setClosedMarketFallback(state.getClosedMarketFallback() || window.getMarketFallback());
            if (window.getPriced()) {
                b.setClosedSuccessfulTasks(state.getClosedSuccessfulTasks() + window.getSuccessfulTasks());
            } else {
                b.setClosedUnpricedSuccessfulTasks(state.getClosedUnpricedSuccessfulTasks() + window.getSuccessfulTasks());
            }
            // The rows behind its final figures join the ledger's set; the closed window keeps no copy
            if (!state.getFactorRowIds().keySet().containsAll(window.getFactorRowIds())) {
                Map<String, Long> rows = new HashMap<>(state.getFactorRowIds());
                window.getFactorRowIds().forEach(id -> rows.put(id, 1L));
                b.setFactorRowIds(rows);
            }
            b.setRecentClosed(retained(recent, ctx.definition()));
        });
        // The horizon rule's streak is over closed windows, like the others: record where the projection stood.
        Projection projection = projections(withWindow, ctx).get(ctx.basis());
        Boolean beyond = projection.paysBackWithinHorizon() == null ? null : !projection.paysBackWithinHorizon();
        WindowContribution stamped = WindowContribution.newBuilder(recent.get(recent.size() - 1))
                .setBeyondHorizon(beyond).build();
        recent.set(recent.size() - 1, stamped);
        List<WindowContribution> stampedRecent = retained(recent, ctx.definition());
        return LedgerChanges.with(withWindow, l -> l.setRecentClosed(stampedRecent));
    }

    /**
     * The closed windows a ledger keeps, oldest first: for each alert rule, the last {@code fireAfterWindows} /
     * {@code resolveAfterWindows} windows in which it could be evaluated (a rule counts those, not windows); and the
     * last {@code savingRateLookbackWindows} priced ones for the rate. So neither runs of unpriced windows nor gaps
     * push out what a rule or the rate needs, and the list stays within look-back + 4 x streak entries.
     */
    static List<WindowContribution> retained(List<WindowContribution> windows, ComparisonDefinition def) {
        int streak = Math.max(def.getFireAfterWindows(), def.getResolveAfterWindows());
        int lookback = def.getSavingRateLookbackWindows();
        List<Function<WindowContribution, Boolean>> rules = List.of(WindowContribution::getNotSaving,
                WindowContribution::getQualityBelowBar, WindowContribution::getNoCandidateTraffic,
                WindowContribution::getBeyondHorizon);
        int[] evaluable = new int[rules.size()];
        int priced = 0;
        List<WindowContribution> kept = new ArrayList<>();
        for (int i = windows.size() - 1; i >= 0; i--) {
            WindowContribution w = windows.get(i);
            boolean keep = w.getPriced() && priced < lookback;
            for (int r = 0; r < rules.size(); r++) {
                if (rules.get(r).apply(w) != null && evaluable[r] < streak) {
                    keep = true;
                }
            }
            if (keep) {
                kept.add(w);
                priced += w.getPriced() ? 1 : 0;
                for (int r = 0; r < rules.size(); r++) {
                    evaluable[r] += rules.get(r).apply(w) != null ? 1 : 0;
                }
            }
        }
        Collections.reverse(kept);
        return kept;
    }

    /** One window's contribution to the ledger: its saving in the three bases, and the flags the alert rules read. */
    static WindowContribution contribution(Context ctx, ComparisonWindow window, CandidateWindow candidate) {
        boolean priced = candidate.getPriced();
        long successes = candidate.getWindow() == null ? 0 : candidate.getWindow().getSuccesses();
        Amounts saving = priced ? new Amounts(candidate.getSavingWh(), candidate.getSavingGCo2eLocation(),
                candidate.getSavingGCo2eMarket()) : Amounts.ZERO;
        boolean candidateTraffic = candidate.getWindow() != null && candidate.getWindow().getRequests() > 0;
        boolean baselineMarketFallback = FactorRows.marketFallback(window.getBaselineFactorRows());
        return WindowContribution.newBuilder()
                .setWindowStart(window.getWindowStart().toEpochMilli())
                .setWindowEnd(window.getWindowEnd().toEpochMilli())
                .setPriced(priced)
                .setSavingWh(saving.wh())
                .setSavingGCo2eLocation(saving.gCo2eLocation())
                .setSavingGCo2eMarket(saving.gCo2eMarket())
                .setSuccessfulTasks(successes)
                .setSavingTier(priced ? candidate.getSavingTier() : null)
                .setEnergyCoverage(candidate.getEnergyCoverage())
                .setBaselineSource(window.getBaselineSource())
                .setMarketFallback(priced && (candidate.getMarketFallback() || baselineMarketFallback))
                .setNotSaving(priced && candidateTraffic ? saving.get(ctx.basis()) <= 0 : null)
                .setQualityBelowBar(qualityBelowBar(ctx.definition(), window, candidate))
                .setNoCandidateTraffic(noCandidateTraffic(window, candidate))
                .setQualityNote(candidate.getQualityNote())
                .setFactorRowIds(priced ? rowIds(window, candidate) : List.of())
                .build();
    }

    /** The ids of the rows behind a priced window's saving: the baseline figure's and the candidate's. */
    private static List<String> rowIds(ComparisonWindow window, CandidateWindow candidate) {
        Set<String> ids = new TreeSet<>();
        window.getBaselineFactorRows().forEach(row -> ids.add(row.getId()));
        candidate.getFactorRows().forEach(row -> ids.add(row.getId()));
        return new ArrayList<>(ids);
    }

    /** Null when no quality rule can be evaluated in the window. */
    static Boolean qualityBelowBar(ComparisonDefinition def, ComparisonWindow window, CandidateWindow candidate) {
        if (candidate.getWindow() == null || candidate.getWindow().getSuccessRate() == null) {
            return null;
        }
        return QualityBar.of(def).below(candidate.getWindow().getSuccessRate(), window.getBaselineSuccessRate());
    }

    static Boolean noCandidateTraffic(ComparisonWindow window, CandidateWindow candidate) {
        boolean candidateTraffic = candidate.getWindow() != null && candidate.getWindow().getRequests() > 0;
        boolean baselineTraffic = window.getBaseline() != null && window.getBaseline().getRequests() > 0;
        if (candidateTraffic) {
            return false;
        }
        return baselineTraffic ? Boolean.TRUE : null;
    }

    /** The closed, priced windows the saving rate rests on: the last {@code savingRateLookbackWindows} of them. */
    static List<WindowContribution> lookback(LedgerState state, ComparisonDefinition def) {
        List<WindowContribution> priced = state.getRecentClosed().stream().filter(WindowContribution::getPriced).toList();
        int n = def.getSavingRateLookbackWindows();
        return priced.size() <= n ? priced : priced.subList(priced.size() - n, priced.size());
    }

    /** The saving so far in the three bases: the closed totals plus the open windows' contributions. */
    static Amounts saved(LedgerState state) {
        Amounts saved = new Amounts(state.getClosedSavingWh(), state.getClosedSavingGCo2eLocation(),
                state.getClosedSavingGCo2eMarket());
        // In window order: the same sum, to the last bit, however the map was read back
        for (WindowContribution w : sortedOpen(state)) {
            saved = saved.plus(new Amounts(w.getSavingWh(), w.getSavingGCo2eLocation(), w.getSavingGCo2eMarket()));
        }
        return saved;
    }

    static long pricedSuccessfulTasks(LedgerState state) {
        return state.getClosedSuccessfulTasks() + state.getOpenWindows().values().stream()
                .filter(WindowContribution::getPriced).mapToLong(WindowContribution::getSuccessfulTasks).sum();
    }

    /** The recent rates of the look-back: per successful task and per day, in the three bases. */
    record Rates(Amounts perTask, Amounts perDay, Instant asOf) {

        static final Rates NONE = new Rates(null, null, null);
    }

    static Rates rates(LedgerState state, ComparisonDefinition def) {
        List<WindowContribution> recent = lookback(state, def);
        if (recent.isEmpty()) {
            return Rates.NONE;
        }
        Amounts saving = Amounts.ZERO;
        long tasks = 0;
        for (WindowContribution w : recent) {
            saving = saving.plus(new Amounts(w.getSavingWh(), w.getSavingGCo2eLocation(), w.getSavingGCo2eMarket()));
            tasks += w.getSuccessfulTasks();
        }
        long first = recent.get(0).getWindowStart();
        long last = recent.get(recent.size() - 1).getWindowEnd();
        // No successful task in the look-back: every priced window cost energy and saved nothing, so not saving.
        Amounts perTask = tasks > 0 ? saving.per(tasks) : Amounts.ZERO;
        Amounts perDay = saving.times(MS_PER_DAY / Math.max(1, last - first));
        return new Rates(perTask, perDay, Instant.ofEpochMilli(last));
    }

    static Map<Basis, Projection> projections(LedgerState state, Context ctx) {
        Amounts saved = saved(state);
        long tasks = pricedSuccessfulTasks(state);
        Rates rates = rates(state, ctx.definition());
        Map<Basis, Projection> projections = new TreeMap<>();
        for (Basis basis : Basis.values()) {
            projections.put(basis, Projection.project(saved.get(basis), ctx.footprint().footprint().get(basis), tasks,
                    rates.perTask() == null ? null : rates.perTask().get(basis),
                    rates.perDay() == null ? null : rates.perDay().get(basis),
                    rates.asOf(), ctx.horizon(), ctx.footprint().incomplete()));
        }
        return projections;
    }

    /** The ledger's published status. */
    public static PaybackStatus status(LedgerState state, Context ctx) {
        ComparisonDefinition def = ctx.definition();
        Amounts saved = saved(state);
        Rates rates = rates(state, def);
        Map<Basis, Projection> projections = projections(state, ctx);
        Map<Basis, BasisLedger> bases = new TreeMap<>();
        for (Basis basis : Basis.values()) {
            Projection p = projections.get(basis);
            double footprint = ctx.footprint().footprint().get(basis);
            bases.put(basis, BasisLedger.newBuilder()
                    .setUnit(basis.unit())
                    .setStatus(p.state().name())
                    .setSaved(saved.get(basis))
                    .setFootprint(footprint)
                    .setPaybackRatio(Projection.paybackRatio(saved.get(basis), footprint))
                    .setRecentSavingPerDay(rates.perDay() == null ? null : rates.perDay().get(basis))
                    .setRecentSavingPerSuccessfulTask(recentPerTask(state, def, rates, basis))
                    .setProjectedBreakEvenAt(p.breakEvenAt())
                    .setProjectedBreakEvenSuccessfulTasks(p.breakEvenSuccessfulTasks())
                    .setPaysBackWithinHorizon(p.paysBackWithinHorizon())
                    .build());
        }
        List<WindowContribution> recent = lookback(state, def);
        String savingTier = state.getClosedSavingTier();
        boolean marketFallback = state.getClosedMarketFallback() || ctx.footprint().marketFallback();
        long unpriced = state.getClosedUnpricedSuccessfulTasks();
        String qualityNote = null;
        for (WindowContribution w : sortedOpen(state)) {
            savingTier = TaskOutcomes.weakest(savingTier, w.getSavingTier());
            marketFallback |= w.getMarketFallback();
            unpriced += w.getPriced() ? 0 : w.getSuccessfulTasks();
        }
        Map<String, Long> sources = new TreeMap<>();
        Double coverage = null;
        for (WindowContribution w : recent) {
            if (w.getEnergyCoverage() != null) {
                coverage = coverage == null ? w.getEnergyCoverage() : Math.min(coverage, w.getEnergyCoverage());
            }
        }
        int n = def.getSavingRateLookbackWindows();
        List<WindowContribution> closed = state.getRecentClosed();
        for (WindowContribution w : closed.subList(Math.max(0, closed.size() - n), closed.size())) {
            if (w.getBaselineSource() != null) {
                sources.merge(w.getBaselineSource(), 1L, Long::sum);
            }
        }
        List<WindowContribution> latest = new ArrayList<>(closed);
        latest.addAll(sortedOpen(state));
        if (!latest.isEmpty()) {
            qualityNote = latest.get(latest.size() - 1).getQualityNote();
        }
        List<String> missing = new ArrayList<>(ctx.footprint().missing());
        missing.addAll(ctx.footprint().invalid());
        return PaybackStatus.newBuilder()
                .setComparisonId(def.getComparisonId())
                .setCandidateId(ctx.candidate().getCandidateId())
                .setUseCase(def.getUseCase())
                .setModelId(ctx.candidate().getModelId())
                .setCandidateKind(ctx.candidate().getKind())
                .setBasis(ctx.basis().name())
                .setStatus(projections.get(ctx.basis()).state().name())
                .setEpochStart(state.getEpochStart() > 0 ? Instant.ofEpochMilli(state.getEpochStart()) : null)
                .setEnergy(bases.get(Basis.ENERGY))
                .setCo2eLocation(bases.get(Basis.CO2E_LOCATION))
                .setCo2eMarket(bases.get(Basis.CO2E_MARKET))
                .setSuccessfulTasks(pricedSuccessfulTasks(state))
                .setUnpricedSuccessfulTasks(unpriced)
                .setHorizonEnd(def.getHorizonEnd())
                .setHorizonSuccessfulTasks(def.getHorizonSuccessfulTasks())
                .setWindowsCounted(state.getClosedWindows() + state.getOpenWindows().size())
                .setClosedThrough(state.getClosedThrough() > 0 ? Instant.ofEpochMilli(state.getClosedThrough()) : null)
                .setSavingTier(savingTier)
                .setFootprintTier(ctx.footprint().tier() == null ? null : ctx.footprint().tier().name())
                .setEnergyCoverage(coverage)
                .setBaselineSources(sources)
                .setMarketFallback(marketFallback)
                .setFactorRows(FactorRows.distinct(List.of(ctx.footprint().factorRows(),
                        FactorRows.resolveIds(rowIdsCounted(state), ctx.factors()))))
                .setRunIdsMissing(missing)
                .setQualityNote(qualityNote)
                .setLateRevisionsIgnored(state.getLateRevisionsIgnored())
                .build();
    }

    /** The rows behind every counted window: the closed windows' set and the open windows' latest. */
    private static Set<String> rowIdsCounted(LedgerState state) {
        Set<String> ids = new TreeSet<>(state.getFactorRowIds().keySet());
        state.getOpenWindows().values().forEach(w -> ids.addAll(w.getFactorRowIds()));
        return ids;
    }

    /** The published saving per successful task: null when the look-back has no successful task to divide by. */
    private static Double recentPerTask(LedgerState state, ComparisonDefinition def, Rates rates, Basis basis) {
        long tasks = lookback(state, def).stream().mapToLong(WindowContribution::getSuccessfulTasks).sum();
        return tasks > 0 && rates.perTask() != null ? rates.perTask().get(basis) : null;
    }

    private static List<WindowContribution> sortedOpen(LedgerState state) {
        return state.getOpenWindows().values().stream()
                .sorted(Comparator.comparingLong(WindowContribution::getWindowStart)).toList();
    }
}
