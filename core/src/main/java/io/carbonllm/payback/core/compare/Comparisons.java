package io.carbonllm.payback.core.compare;

import io.carbonllm.payback.core.definition.LedgerLimits;
import io.carbonllm.payback.core.evidence.FactorRows;
import io.carbonllm.payback.core.ledger.Amounts;
import io.carbonllm.payback.core.window.TaskOutcomes;
import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.events.ReferenceWindow;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a baseline with its candidates in one window, per successful task and in total.
 *
 * <p>The baseline figure comes from its own window when it had at least {@code minBaselineTasks} tasks. Otherwise
 * (say, because all the traffic moved to the fine-tune) from the pinned reference in the definition, else from the
 * trailing reference: the past windows that did have enough baseline tasks, summed and divided as one window.
 * References are kept in energy and priced in CO2e with the grid factor in effect at the window compared, where the
 * baseline last ran. A pinned figure has no region of its own: it is priced where the baseline last ran (its latest
 * reference window), else where the candidate ran, else at the world default, and the row used says which.
 *
 * <p>A candidate's saving in a window is {@code baseline per successful task x candidate successful tasks - candidate
 * energy}, in each basis. With successes that is {@code (baseline - candidate) per task x tasks}; with none it is minus
 * the candidate's energy: a window of failures is not free. A window without a baseline figure, or without the
 * candidate's energy (no traffic, or no energy coverage), is unpriced: it has no saving.
 */
public final class Comparisons {

    private Comparisons() {
    }

    /** The baseline figure a window is compared with, and its evidence. */
    record BaselineFigure(BaselineSource source, Amounts perTask, Double successRate, String tier, Double coverage,
                          List<FactorRow> rows) {

        static final BaselineFigure NONE = new BaselineFigure(BaselineSource.NONE, null, null, null, null, List.of());
    }

    public static ComparisonWindow compare(ComparisonDefinition def, Instant windowStart, Instant windowEnd,
                                           VariantWindow baseline, Map<String, VariantWindow> candidateWindows,
                                           BaselineReference reference, FactorTable factors) {
        BaselineReference known = reference == null ? BaselineReference.newBuilder().build() : reference;
        BaselineFigure base = baselineFigure(def, windowStart, baseline, candidateWindows, known, factors);
        List<CandidateWindow> candidates = new ArrayList<>();
        for (CandidateDefinition candidate : def.getCandidates()) {
            candidates.add(candidate(def, candidate, candidateWindows.get(candidate.getCandidateId()), baseline, base, factors));
        }
        return ComparisonWindow.newBuilder()
                .setComparisonId(def.getComparisonId())
                .setUseCase(def.getUseCase())
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setBaseline(baseline)
                .setBaselineSource(base.source().name())
                .setBaselineWhPerSuccessfulTask(base.perTask() == null ? null : base.perTask().wh())
                .setBaselineGCo2eLocationPerSuccessfulTask(base.perTask() == null ? null : base.perTask().gCo2eLocation())
                .setBaselineGCo2eMarketPerSuccessfulTask(base.perTask() == null ? null : base.perTask().gCo2eMarket())
                .setBaselineSuccessRate(base.successRate())
                .setBaselineTier(base.tier())
                .setBaselineEnergyCoverage(base.coverage())
                .setBaselineFactorRows(base.rows())
                .setBasis(def.getBasis())
                .setCandidates(candidates)
                .build();
    }

    private static CandidateWindow candidate(ComparisonDefinition def, CandidateDefinition candidate, VariantWindow window,
                                             VariantWindow baseline, BaselineFigure base, FactorTable factors) {
        CandidateWindow.Builder c = CandidateWindow.newBuilder()
                .setCandidateId(candidate.getCandidateId())
                .setModelId(candidate.getModelId())
                .setWindow(window)
                .setPriced(false);
        if (def.getMaxSuccessRateDrop() != null && base.successRate() == null) {
            c.setQualityNote("maxSuccessRateDrop not evaluated: no baseline success rate in this window (baseline source "
                    + base.source() + ")");
        }
        if (window == null) {
            return c.build();
        }
        c.setEnergyCoverage(window.getEnergyCoverage())
                .setMarketFallback(window.getMarketFallbackRequests() > 0 || FactorRows.marketFallback(base.rows()))
                .setFactorRows(FactorRows.resolve(window.getFactorRows(), factors))
                .setSuccessRateDelta(minus(window.getSuccessRate(), base.successRate()))
                .setTokensPerSuccessfulTaskDelta(base.source() == BaselineSource.WINDOW
                        ? minus(window.getTokensPerSuccessfulTask(), baseline.getTokensPerSuccessfulTask()) : null);
        Amounts energy = variantEnergy(window);
        if (base.perTask() == null || energy == null) {
            return c.build();
        }
        long successes = window.getSuccesses();
        // (baseline - candidate) per task x tasks, zero when the per-task figures are equal but for rounding, so a
        // candidate that is not cheaper never shows a rounding residue as a saving; minus its energy with no success.
        Amounts perTask = successes > 0 ? difference(base.perTask(), energy.per(successes)) : null;
        Amounts saving = perTask != null ? perTask.times(successes) : Amounts.ZERO.minus(energy);
        return c.setPriced(true)
                .setSavingWh(saving.wh())
                .setSavingGCo2eLocation(saving.gCo2eLocation())
                .setSavingGCo2eMarket(saving.gCo2eMarket())
                .setSavingWhPerSuccessfulTask(perTask == null ? null : perTask.wh())
                .setSavingGCo2eLocationPerSuccessfulTask(perTask == null ? null : perTask.gCo2eLocation())
                .setSavingGCo2eMarketPerSuccessfulTask(perTask == null ? null : perTask.gCo2eMarket())
                .setSavingTier(TaskOutcomes.weakest(base.tier(), window.getEnergyTier()))
                .build();
    }

    /** Relative difference below which two per-task figures are the same figure, summed in a different order. */
    static final double SAME_FIGURE = 1e-9;

    /** {@code a - b} in each basis, exactly zero where the two differ only by floating-point rounding. */
    static Amounts difference(Amounts a, Amounts b) {
        return new Amounts(difference(a.wh(), b.wh()), difference(a.gCo2eLocation(), b.gCo2eLocation()),
                difference(a.gCo2eMarket(), b.gCo2eMarket()));
    }

    private static double difference(double a, double b) {
        double d = a - b;
        return Math.abs(d) <= SAME_FIGURE * Math.max(Math.abs(a), Math.abs(b)) ? 0.0 : d;
    }

    /**
     * A variant's energy in the window, in the three bases: the covered requests' figures scaled to all its requests
     * ({@code covered total / covered x requests}). Null without coverage: its energy is unknown. The comparison prices
     * a candidate's window with it, and the verdict sums every variant's windows with it.
     */
    public static Amounts variantEnergy(VariantWindow window) {
        if (window.getCoveredRequests() <= 0) {
            return null;
        }
        double scale = (double) window.getRequests() / window.getCoveredRequests();
        return new Amounts(window.getFacilityWh(), window.getGCo2eLocation(), window.getGCo2eMarket()).times(scale);
    }

    /** Whether this baseline window has enough tasks to stand on its own (and to join the trailing reference). */
    public static boolean isEnough(ComparisonDefinition def, VariantWindow baseline) {
        return baseline != null && baseline.getTasks() >= def.getMinBaselineTasks()
                && baseline.getWhPerSuccessfulTask() != null;
    }

    static BaselineFigure baselineFigure(ComparisonDefinition def, Instant windowStart, VariantWindow baseline,
                                         Map<String, VariantWindow> candidateWindows, BaselineReference reference,
                                         FactorTable factors) {
        if (isEnough(def, baseline)) {
            return new BaselineFigure(BaselineSource.WINDOW,
                    new Amounts(baseline.getWhPerSuccessfulTask(), baseline.getGCo2eLocationPerSuccessfulTask(),
                            baseline.getGCo2eMarketPerSuccessfulTask()),
                    baseline.getSuccessRate(), baseline.getEnergyTier(), baseline.getEnergyCoverage(),
                    FactorRows.resolve(baseline.getFactorRows(), factors));
        }
        if (def.getPinnedBaselineWhPerSuccessfulTask() != null) {
            String region = lastBaselineRegion(reference, windowStart);
            if (region == null) {
                region = candidateRegion(def, candidateWindows);
            }
            ResolvedGrid grid = factors.grid(region, windowStart);
            double wh = def.getPinnedBaselineWhPerSuccessfulTask();
            return new BaselineFigure(BaselineSource.PINNED_REFERENCE, priced(wh, grid),
                    def.getPinnedBaselineSuccessRate(), EvidenceTier.ESTIMATED.name(), null,
                    List.of(FactorRows.toAvro(grid, null)));
        }
        return trailing(windowStart, reference, def.getSavingRateLookbackWindows(), factors);
    }

    /**
     * The reference windows before {@code windowStart}, the latest {@code lookback} of them, oldest first: what the
     * window is compared with, whatever arrived since for later windows.
     */
    static List<ReferenceWindow> before(BaselineReference reference, Instant windowStart, int lookback) {
        List<ReferenceWindow> earlier = reference.getWindows().values().stream()
                .filter(w -> w.getWindowStart() < windowStart.toEpochMilli())
                .sorted(Comparator.comparingLong(ReferenceWindow::getWindowStart))
                .toList();
        return earlier.subList(Math.max(0, earlier.size() - lookback), earlier.size());
    }

    /**
     * The latest {@code lookback} past windows with enough baseline tasks, as one window, priced at
     * {@code windowStart}. Summed oldest first, so the figure is the same to the last bit however the map was read.
     */
    private static BaselineFigure trailing(Instant windowStart, BaselineReference reference, int lookback,
                                           FactorTable factors) {
        long successes = 0;
        long tasks = 0;
        long requests = 0;
        long covered = 0;
        Amounts total = Amounts.ZERO;
        String tier = null;
        Map<String, FactorRow> rows = new LinkedHashMap<>();
        for (ReferenceWindow w : before(reference, windowStart, lookback)) {
            ResolvedGrid grid = factors.grid(w.getRegion(), windowStart);
            successes += w.getSuccessfulTasks();
            tasks += w.getTasks();
            requests += w.getRequests();
            covered += w.getCoveredRequests();
            total = total.plus(priced(w.getFacilityWh(), grid));
            tier = TaskOutcomes.weakest(tier, w.getEnergyTier());
            FactorRow row = FactorRows.toAvro(grid, null);
            rows.putIfAbsent(row.getId(), row);
        }
        if (successes == 0 || covered == 0) {
            return BaselineFigure.NONE;
        }
        double scale = (double) requests / covered / successes;
        return new BaselineFigure(BaselineSource.TRAILING_REFERENCE, total.times(scale), (double) successes / tasks,
                tier, (double) covered / requests, new ArrayList<>(rows.values()));
    }

    /** Facility Wh with its CO2e at {@code grid}. */
    private static Amounts priced(double wh, ResolvedGrid grid) {
        return new Amounts(wh, wh * grid.locationGPerKwh() / 1000.0, wh * grid.marketGPerKwh() / 1000.0);
    }

    /** The region of the latest reference window before {@code windowStart}, if any: where the baseline last ran. */
    private static String lastBaselineRegion(BaselineReference reference, Instant windowStart) {
        List<ReferenceWindow> earlier = before(reference, windowStart, 1);
        return earlier.isEmpty() ? null : earlier.get(0).getRegion();
    }

    /** Where the first candidate with traffic ran, in the definition's order; null (the world default) if none did. */
    private static String candidateRegion(ComparisonDefinition def, Map<String, VariantWindow> candidateWindows) {
        for (CandidateDefinition c : def.getCandidates()) {
            VariantWindow w = candidateWindows.get(c.getCandidateId());
            if (w != null && dominantRegion(w.getFactorRows()) != null) {
                return dominantRegion(w.getFactorRows());
            }
        }
        return null;
    }

    /** The region whose grid row priced most requests; null when that was the world default or there is none. */
    public static String dominantRegion(Map<String, Long> factorRows) {
        String best = null;
        long most = 0;
        for (Map.Entry<String, Long> row : factorRows.entrySet()) {
            if (row.getKey().startsWith("GRID|region|") && row.getValue() > most) {
                most = row.getValue();
                best = row.getKey().split("\\|", -1)[2];
            }
        }
        return best;
    }

    /**
     * The reference after this baseline window: added when it has enough tasks; the oldest dropped beyond the
     * look-back plus the windows that can still be open, so every open window finds its look-back's windows before it.
     * A change of use case or baseline model starts a new reference.
     */
    public static BaselineReference updateReference(BaselineReference reference, ComparisonDefinition def,
                                                    VariantWindow baseline) {
        String fingerprint = def.getUseCase() + "\u0000" + def.getBaselineModel();
        Map<String, ReferenceWindow> windows = reference == null || !fingerprint.equals(reference.getFingerprint())
                ? new HashMap<>() : new HashMap<>(reference.getWindows());
        if (baseline != null) {
            String key = Long.toString(baseline.getWindowStart().toEpochMilli());
            if (isEnough(def, baseline)) {
                windows.put(key, ReferenceWindow.newBuilder()
                        .setWindowStart(baseline.getWindowStart().toEpochMilli())
                        .setSuccessfulTasks(baseline.getSuccesses())
                        .setTasks(baseline.getTasks())
                        .setRequests(baseline.getRequests())
                        .setCoveredRequests(baseline.getCoveredRequests())
                        .setFacilityWh(baseline.getFacilityWh())
                        .setRegion(dominantRegion(baseline.getFactorRows()))
                        .setEnergyTier(baseline.getEnergyTier())
                        .build());
            } else {
                windows.remove(key);
            }
        }
        // The look-back's windows before any window still open: at most MAX_GRACE_IN_WINDOWS + 1 windows are open
        int keep = def.getSavingRateLookbackWindows() + LedgerLimits.MAX_GRACE_IN_WINDOWS + 2;
        if (windows.size() > keep) {
            List<String> byStart = windows.keySet().stream().sorted(Comparator.comparingLong(Long::parseLong)).toList();
            byStart.subList(0, byStart.size() - keep).forEach(windows::remove);
        }
        return BaselineReference.newBuilder().setFingerprint(fingerprint).setWindows(windows).build();
    }

    private static Double minus(Double a, Double b) {
        return a == null || b == null ? null : a - b;
    }
}
