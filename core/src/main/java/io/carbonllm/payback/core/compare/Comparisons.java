package io.carbonllm.payback.core.compare;

import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.ReferenceWindow;
import io.carbonllm.payback.events.VariantWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a baseline with its candidates in one window, per successful task. Plain Java, no Kafka.
 *
 * <p>The baseline figures come from its own window when it had at least {@code minBaselineTasks} tasks. Otherwise
 * (say, because all the traffic moved to the fine-tune) from the pinned reference in the definition, else from the
 * trailing reference: the past windows that did have enough baseline tasks, summed and divided as one window.
 */
public final class Comparisons {

    private Comparisons() {
    }

    public static ComparisonWindow compare(ComparisonDefinition def, Instant windowStart, Instant windowEnd,
                                           VariantWindow baseline, Map<String, VariantWindow> candidateWindows,
                                           BaselineReference reference) {
        Figures base = baselineFigures(def, windowStart, baseline, reference);
        List<CandidateWindow> candidates = new ArrayList<>();
        for (CandidateDefinition candidate : def.getCandidates()) {
            VariantWindow window = candidateWindows.get(candidate.getCandidateId());
            CandidateWindow.Builder c = CandidateWindow.newBuilder()
                    .setCandidateId(candidate.getCandidateId())
                    .setModelId(candidate.getModelId())
                    .setWindow(window);
            if (window != null) {
                c.setSavingWhPerSuccessfulTask(minus(base.wh(), window.getWhPerSuccessfulTask()))
                        .setSavingGCo2eLocationPerSuccessfulTask(minus(base.gLocation(), window.getGCo2eLocationPerSuccessfulTask()))
                        .setSavingGCo2eMarketPerSuccessfulTask(minus(base.gMarket(), window.getGCo2eMarketPerSuccessfulTask()))
                        .setSuccessRateDelta(minus(window.getSuccessRate(), base.successRate()))
                        .setTokensPerSuccessfulTaskDelta(base.source() == BaselineSource.WINDOW
                                ? minus(window.getTokensPerSuccessfulTask(), baseline.getTokensPerSuccessfulTask()) : null);
            }
            candidates.add(c.build());
        }
        return ComparisonWindow.newBuilder()
                .setComparisonId(def.getComparisonId())
                .setUseCase(def.getUseCase())
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setBaseline(baseline)
                .setBaselineSource(base.source().name())
                .setBaselineWhPerSuccessfulTask(base.wh())
                .setBaselineGCo2eLocationPerSuccessfulTask(base.gLocation())
                .setBaselineGCo2eMarketPerSuccessfulTask(base.gMarket())
                .setBaselineSuccessRate(base.successRate())
                .setCandidates(candidates)
                .build();
    }

    private record Figures(BaselineSource source, Double wh, Double gLocation, Double gMarket, Double successRate) {
    }

    /** Whether this baseline window has enough tasks to stand on its own (and to join the trailing reference). */
    public static boolean isEnough(ComparisonDefinition def, VariantWindow baseline) {
        return baseline != null && baseline.getTasks() >= def.getMinBaselineTasks()
                && baseline.getWhPerSuccessfulTask() != null;
    }

    private static Figures baselineFigures(ComparisonDefinition def, Instant windowStart, VariantWindow baseline,
                                           BaselineReference reference) {
        if (isEnough(def, baseline)) {
            return new Figures(BaselineSource.WINDOW, baseline.getWhPerSuccessfulTask(),
                    baseline.getGCo2eLocationPerSuccessfulTask(), baseline.getGCo2eMarketPerSuccessfulTask(),
                    baseline.getSuccessRate());
        }
        if (def.getPinnedBaselineWhPerSuccessfulTask() != null) {
            Double g = def.getPinnedBaselineGCo2ePerSuccessfulTask();
            return new Figures(BaselineSource.PINNED_REFERENCE, def.getPinnedBaselineWhPerSuccessfulTask(), g, g, null);
        }
        long successes = 0;
        long tasks = 0;
        long requests = 0;
        long covered = 0;
        double wh = 0;
        double gLocation = 0;
        double gMarket = 0;
        for (ReferenceWindow w : reference.getWindows().values()) {
            if (w.getWindowStart() < windowStart.toEpochMilli()) {
                successes += w.getSuccessfulTasks();
                tasks += w.getTasks();
                requests += w.getRequests();
                covered += w.getCoveredRequests();
                wh += w.getFacilityWh();
                gLocation += w.getGCo2eLocation();
                gMarket += w.getGCo2eMarket();
            }
        }
        if (successes == 0 || covered == 0) {
            return new Figures(BaselineSource.NONE, null, null, null, null);
        }
        double scale = (double) requests / covered / successes;
        return new Figures(BaselineSource.TRAILING_REFERENCE, wh * scale, gLocation * scale, gMarket * scale,
                (double) successes / tasks);
    }

    /** The reference after this baseline window: added when it has enough tasks, the oldest beyond {@code keep} dropped. */
    public static BaselineReference updateReference(BaselineReference reference, ComparisonDefinition def,
                                                    VariantWindow baseline, int keep) {
        Map<String, ReferenceWindow> windows = new HashMap<>(reference.getWindows());
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
                        .setGCo2eLocation(baseline.getGCo2eLocation())
                        .setGCo2eMarket(baseline.getGCo2eMarket())
                        .build());
            } else {
                windows.remove(key); // a revision can make a window thin (it cannot here, counts only grow) or not
            }
        }
        if (windows.size() > keep) {
            List<String> byStart = windows.keySet().stream().sorted((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b))).toList();
            byStart.subList(0, byStart.size() - keep).forEach(windows::remove);
        }
        return BaselineReference.newBuilder().setWindows(windows).build();
    }

    private static Double minus(Double a, Double b) {
        return a == null || b == null ? null : a - b;
    }
}
