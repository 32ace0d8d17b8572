package io.carbonllm.payback.streams.window;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.streams.energy.EnergyAccounting;
import java.time.Instant;

/** The arithmetic of a variant's window: adding an event, and the per-successful-task figures. No Kafka. */
public final class VariantCounters {

    private VariantCounters() {
    }

    public static VariantStats empty() {
        return VariantStats.newBuilder().build();
    }

    /** The window's counters after one more request, with its energy contribution. */
    public static VariantStats add(VariantStats stats, InferenceEvent event, EnergyAccounting.Contribution energy) {
        Instant time = event.getEventTime();
        boolean covered = energy.energy().available();
        String tier = stats.getEnergyTier();
        if (covered) {
            EvidenceTier eventTier = energy.energy().tier();
            tier = (tier == null ? eventTier : EvidenceTier.valueOf(tier).weakest(eventTier)).name();
        }
        return VariantStats.newBuilder(stats)
                .setCoveredRequests(stats.getCoveredRequests() + (covered ? 1 : 0))
                .setItWh(stats.getItWh() + (covered ? energy.energy().itWh() : 0.0))
                .setFacilityWh(stats.getFacilityWh() + energy.facilityWh())
                .setGCo2eLocation(stats.getGCo2eLocation() + energy.gCo2eLocation())
                .setGCo2eMarket(stats.getGCo2eMarket() + energy.gCo2eMarket())
                .setEnergyTier(tier)
                .setWorldDefaultGridRequests(stats.getWorldDefaultGridRequests()
                        + (covered && energy.grid().worldDefault() ? 1 : 0))
                .setRequests(stats.getRequests() + 1)
                .setSuccesses(stats.getSuccesses() + (event.getSuccess() ? 1 : 0))
                .setFailures(stats.getFailures() + (event.getSuccess() ? 0 : 1))
                .setInputTokens(stats.getInputTokens() + event.getInputTokens())
                .setCachedInputTokens(stats.getCachedInputTokens() + event.getCachedInputTokens())
                .setOutputTokens(stats.getOutputTokens() + event.getOutputTokens())
                .setFirstEventTime(stats.getFirstEventTime() == null || time.isBefore(stats.getFirstEventTime())
                        ? time : stats.getFirstEventTime())
                .setLastEventTime(stats.getLastEventTime() == null || time.isAfter(stats.getLastEventTime())
                        ? time : stats.getLastEventTime())
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
                .setSuccessRate(stats.getRequests() == 0 ? null : (double) successes / stats.getRequests())
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
                .build();
    }
}
