package io.carbonllm.payback.core.window;

import io.carbonllm.payback.core.disclosure.EnergyPart;
import io.carbonllm.payback.core.energy.EnergyAccounting;
import io.carbonllm.payback.core.evidence.FactorRows;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Folds requests into tasks. Every request's tokens and energy count; the task succeeded if its <em>last</em>
 * request (by event time) did: retries that end in success are a success, an agent whose final step failed is a
 * failure. Plain Java, no Kafka.
 */
public final class TaskOutcomes {

    private TaskOutcomes() {
    }

    public static TaskOutcome empty() {
        return TaskOutcome.newBuilder().build();
    }

    /** One request, as a task of one request, with its energy accounted. */
    public static TaskOutcome of(InferenceEvent event, EnergyAccounting.Contribution energy) {
        boolean covered = energy.energy().available();
        Map<String, Long> rows = Map.of();
        Map<String, Double> parts = Map.of();
        if (covered) {
            String gridRow = FactorRows.id(energy.grid().row());
            String pueRow = FactorRows.id(energy.pue().row());
            rows = new HashMap<>(4);
            rows.put(gridRow, 1L);
            rows.put(pueRow, 1L);
            parts = new HashMap<>(2);
            parts.put(EnergyPart.key(energy.energy().tier(), event.getProvider(), pueRow, gridRow),
                    energy.energy().itWh());
        }
        return TaskOutcome.newBuilder()
                .setUseCase(event.getUseCase())
                .setModelId(event.getModelId())
                .setTaskId(event.getTaskId())
                .setRequests(1)
                .setSuccess(event.getSuccess())
                .setInputTokens(event.getInputTokens())
                .setCachedInputTokens(event.getCachedInputTokens())
                .setOutputTokens(event.getOutputTokens())
                .setCoveredRequests(covered ? 1 : 0)
                .setItWh(covered ? energy.energy().itWh() : 0.0)
                .setFacilityWh(energy.facilityWh())
                .setGCo2eLocation(energy.gCo2eLocation())
                .setGCo2eMarket(energy.gCo2eMarket())
                .setEnergyTier(covered ? energy.energy().tier().name() : null)
                .setWorldDefaultGridRequests(covered && energy.grid().worldDefault() ? 1 : 0)
                .setMarketFallbackRequests(covered && energy.grid().marketIsFallback() ? 1 : 0)
                .setFactorRows(rows)
                .setEnergyParts(parts)
                .setFirstEventTime(event.getEventTime())
                .setLastEventTime(event.getEventTime())
                .build();
    }

    /** Two parts of one task (requests, or sessions that merge). */
    public static TaskOutcome merge(TaskOutcome a, TaskOutcome b) {
        if (a.getRequests() == 0) {
            return b;
        }
        if (b.getRequests() == 0) {
            return a;
        }
        TaskOutcome last = isAfter(a.getLastEventTime(), b.getLastEventTime()) ? a : b;
        return TaskOutcome.newBuilder(a)
                .setRequests(a.getRequests() + b.getRequests())
                .setSuccess(last.getSuccess())
                .setInputTokens(a.getInputTokens() + b.getInputTokens())
                .setCachedInputTokens(a.getCachedInputTokens() + b.getCachedInputTokens())
                .setOutputTokens(a.getOutputTokens() + b.getOutputTokens())
                .setCoveredRequests(a.getCoveredRequests() + b.getCoveredRequests())
                .setItWh(a.getItWh() + b.getItWh())
                .setFacilityWh(a.getFacilityWh() + b.getFacilityWh())
                .setGCo2eLocation(a.getGCo2eLocation() + b.getGCo2eLocation())
                .setGCo2eMarket(a.getGCo2eMarket() + b.getGCo2eMarket())
                .setEnergyTier(weakest(a.getEnergyTier(), b.getEnergyTier()))
                .setWorldDefaultGridRequests(a.getWorldDefaultGridRequests() + b.getWorldDefaultGridRequests())
                .setMarketFallbackRequests(a.getMarketFallbackRequests() + b.getMarketFallbackRequests())
                .setFactorRows(sum(a.getFactorRows(), b.getFactorRows()))
                .setEnergyParts(sumWh(a.getEnergyParts(), b.getEnergyParts()))
                .setFirstEventTime(isAfter(a.getFirstEventTime(), b.getFirstEventTime()) ? b.getFirstEventTime() : a.getFirstEventTime())
                .setLastEventTime(last.getLastEventTime())
                .build();
    }

    /** Energy parts added up; the inputs are left as they are. */
    public static Map<String, Double> sumWh(Map<String, Double> a, Map<String, Double> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Map<String, Double> sum = new HashMap<>(a);
        b.forEach((key, wh) -> sum.merge(key, wh, Double::sum));
        return sum;
    }

    /** Row counts added up; the inputs are left as they are. */
    public static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Map<String, Long> sum = new HashMap<>(a);
        FactorRows.addAll(sum, b);
        return sum;
    }

    public static String weakest(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return EvidenceTier.valueOf(a).weakest(EvidenceTier.valueOf(b)).name();
    }

    private static boolean isAfter(Instant a, Instant b) {
        return a != null && (b == null || a.isAfter(b));
    }
}
