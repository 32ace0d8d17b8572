package io.carbonllm.payback.core.window;

import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import java.time.Instant;

/** The arithmetic of a variant's window: adding an event, and the per-successful-task figures. No Kafka. */
public final class VariantCounters {

    private VariantCounters() {
    }

    public static VariantStats empty() {
        return VariantStats.newBuilder().build();
    }

    /** The window's counters after one more task (a request without a task id is a task of one request). */
    public static VariantStats add(VariantStats stats, TaskOutcome task) {
        Instant first = task.getFirstEventTime();
        Instant last = task.getLastEventTime();
        return VariantStats.newBuilder(stats)
                .setTasks(stats.getTasks() + 1)
                .setRequests(stats.getRequests() + task.getRequests())
                .setSuccesses(stats.getSuccesses() + (task.getSuccess() ? 1 : 0))
                .setFailures(stats.getFailures() + (task.getSuccess() ? 0 : 1))
                .setInputTokens(stats.getInputTokens() + task.getInputTokens())
                .setCachedInputTokens(stats.getCachedInputTokens() + task.getCachedInputTokens())
                .setOutputTokens(stats.getOutputTokens() + task.getOutputTokens())
                .setCoveredRequests(stats.getCoveredRequests() + task.getCoveredRequests())
                .setItWh(stats.getItWh() + task.getItWh())
                .setFacilityWh(stats.getFacilityWh() + task.getFacilityWh())
                .setGCo2eLocation(stats.getGCo2eLocation() + task.getGCo2eLocation())
                .setGCo2eMarket(stats.getGCo2eMarket() + task.getGCo2eMarket())
                .setEnergyTier(TaskOutcomes.weakest(stats.getEnergyTier(), task.getEnergyTier()))
                .setWorldDefaultGridRequests(stats.getWorldDefaultGridRequests() + task.getWorldDefaultGridRequests())
                .setMarketFallbackRequests(stats.getMarketFallbackRequests() + task.getMarketFallbackRequests())
                .setFactorRows(TaskOutcomes.sum(stats.getFactorRows(), task.getFactorRows()))
                .setEnergyParts(TaskOutcomes.sumWh(stats.getEnergyParts(), task.getEnergyParts()))
                .setFirstEventTime(stats.getFirstEventTime() == null || (first != null && first.isBefore(stats.getFirstEventTime()))
                        ? first : stats.getFirstEventTime())
                .setLastEventTime(stats.getLastEventTime() == null || (last != null && last.isAfter(stats.getLastEventTime()))
                        ? last : stats.getLastEventTime())
                .build();
    }

    /**
     * {@code numerator / successes}, or null when there were no successes: a window with no successful task has
     * no per-task figure, never NaN or infinity.
     */
    public static Double perSuccessfulTask(long numerator, long successes) {
        return successes <= 0 ? null : (double) numerator / successes;
    }

    /**
     * A covered total per successful task, scaled from the covered requests to all of them:
     * {@code (total / covered) x requests / successes}. With full coverage that is simply total / successes; with
     * partial coverage it assumes the uncovered requests cost what the covered ones did, and the published coverage
     * says how much of the figure is measured. Null with no success or no coverage.
     */
    public static Double perSuccessfulTaskExtrapolated(double coveredTotal, VariantStats stats) {
        if (stats.getCoveredRequests() <= 0 || stats.getSuccesses() <= 0) {
            return null;
        }
        return coveredTotal / stats.getCoveredRequests() * stats.getRequests() / stats.getSuccesses();
    }

    /** The published result of one window. Failed requests' tokens count: they were spent to get the successes. */
    public static VariantWindow result(VariantKey key, Instant windowStart, Instant windowEnd, VariantStats stats) {
        long successes = stats.getSuccesses();
        long allTokens = stats.getInputTokens() + stats.getOutputTokens();
        return VariantWindow.newBuilder()
                .setUseCase(key.getUseCase())
                .setModelId(key.getModelId())
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setRequests(stats.getRequests())
                .setSuccesses(successes)
                .setFailures(stats.getFailures())
                .setInputTokens(stats.getInputTokens())
                .setCachedInputTokens(stats.getCachedInputTokens())
                .setOutputTokens(stats.getOutputTokens())
                .setTokensPerSuccessfulTask(perSuccessfulTask(allTokens, successes))
                .setInputTokensPerSuccessfulTask(perSuccessfulTask(stats.getInputTokens(), successes))
                .setOutputTokensPerSuccessfulTask(perSuccessfulTask(stats.getOutputTokens(), successes))
                .setTasks(stats.getTasks())
                .setSuccessRate(stats.getTasks() == 0 ? null : (double) successes / stats.getTasks())
                .setCoveredRequests(stats.getCoveredRequests())
                .setEnergyCoverage(stats.getRequests() == 0 ? null : (double) stats.getCoveredRequests() / stats.getRequests())
                .setEnergyTier(stats.getEnergyTier())
                .setFacilityWh(stats.getFacilityWh())
                .setGCo2eLocation(stats.getGCo2eLocation())
                .setGCo2eMarket(stats.getGCo2eMarket())
                .setWhPerSuccessfulTask(perSuccessfulTaskExtrapolated(stats.getFacilityWh(), stats))
                .setGCo2eLocationPerSuccessfulTask(perSuccessfulTaskExtrapolated(stats.getGCo2eLocation(), stats))
                .setGCo2eMarketPerSuccessfulTask(perSuccessfulTaskExtrapolated(stats.getGCo2eMarket(), stats))
                .setWorldDefaultGridRequests(stats.getWorldDefaultGridRequests())
                .setMarketFallbackRequests(stats.getMarketFallbackRequests())
                .setFactorRows(stats.getFactorRows())
                .setEnergyParts(stats.getEnergyParts())
                .build();
    }
}
