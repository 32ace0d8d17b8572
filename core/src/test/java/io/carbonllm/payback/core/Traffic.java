package io.carbonllm.payback.core;

import io.carbonllm.payback.core.window.VariantCounters;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import io.carbonllm.payback.methodology.facility.ResolvedPue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test traffic built the way the topology builds it: tasks ({@link TaskOutcome}) folded with
 * {@link VariantCounters#add} and published with {@link VariantCounters#result}, so every derived figure of a
 * {@link VariantWindow} (per successful task, coverage, tier, factor rows) comes from the production code.
 *
 * <p>A task's CO2e is its facility Wh priced with the shipped factor table's grid row for its site at its time, the way
 * {@code EnergyAccounting} prices a request: in eu-north-1, 41 g/kWh before 2025-01-01 and 21 g/kWh from then on;
 * Google's PUE row is 1.09. The shipped grid rows have no market-based figure, so the market-based CO2e equals the
 * location-based one and every covered request is a market fallback.
 */
public final class Traffic {

    public static final FactorTable FACTORS = FactorTable.defaults();
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    public static final Duration HOUR = Duration.ofHours(1);

    public static final String COMPARISON = "triage";
    public static final String USE_CASE = "ticket-triage";
    public static final String BASELINE_MODEL = "llama-3.1-70b";
    public static final String CANDIDATE_MODEL = "llama-3.1-8b-triage";
    public static final String CANDIDATE = "ft";

    /** Where requests run: the region's grid row and the provider's PUE row price them. */
    public record Site(String region, String provider) {

        /** Sweden on Google: 21 g/kWh from 2025-01-01 (41 before), PUE 1.09. */
        public static final Site NORTH = new Site("eu-north-1", "google");
        /** Germany on Google: 342 g/kWh from 2025-01-01 (381 before), PUE 1.09. */
        public static final Site CENTRAL = new Site("eu-central-1", "google");
    }

    private Traffic() {
    }

    /** A comparison of {@link #BASELINE_MODEL} with one candidate {@link #CANDIDATE}, every other field at its default. */
    public static ComparisonDefinition.Builder definition(String... runIds) {
        return ComparisonDefinition.newBuilder()
                .setComparisonId(COMPARISON)
                .setUseCase(USE_CASE)
                .setBaselineModel(BASELINE_MODEL)
                .setCandidates(List.of(candidate(CANDIDATE, CANDIDATE_MODEL, runIds)));
    }

    public static CandidateDefinition candidate(String candidateId, String modelId, String... runIds) {
        return CandidateDefinition.newBuilder()
                .setCandidateId(candidateId)
                .setModelId(modelId)
                .setKind("FINE_TUNE")
                .setRunIds(List.of(runIds))
                .build();
    }

    /** A window of {@code model} starting at {@code start}, one hour long, to which tasks are added. */
    public static Window window(String model, Instant start) {
        return new Window(model, start);
    }

    /** One task: {@code requests} requests, {@code covered} of them with {@code coveredFacilityWh} in all. */
    public static TaskOutcome task(String model, Site site, EvidenceTier tier, Instant at, boolean success,
                                   long requests, long covered, double coveredFacilityWh) {
        ResolvedGrid grid = FACTORS.grid(site.region(), at);
        ResolvedPue pue = FACTORS.pue(site.provider(), site.region(), at);
        Map<String, Long> rows = new HashMap<>();
        if (covered > 0) {
            rows.put(grid.row().id(), covered);
            rows.put(pue.row().id(), covered);
        }
        return TaskOutcome.newBuilder()
                .setUseCase(USE_CASE)
                .setModelId(model)
                .setRequests(requests)
                .setSuccess(success)
                .setInputTokens(400 * requests)
                .setOutputTokens(100 * requests)
                .setCoveredRequests(covered)
                .setItWh(coveredFacilityWh / pue.pue())
                .setFacilityWh(coveredFacilityWh)
                .setGCo2eLocation(coveredFacilityWh * grid.locationGPerKwh() / 1000.0)
                .setGCo2eMarket(coveredFacilityWh * grid.marketGPerKwh() / 1000.0)
                .setEnergyTier(covered > 0 ? tier.name() : null)
                .setMarketFallbackRequests(covered > 0 && grid.marketIsFallback() ? covered : 0)
                .setFactorRows(rows)
                .setFirstEventTime(at)
                .setLastEventTime(at)
                .build();
    }

    /** Adds tasks to one variant's window and publishes it, as the windowed aggregate does. */
    public static final class Window {

        private final String model;
        private final Instant start;
        private Duration size = HOUR;
        private Site site = Site.NORTH;
        private EvidenceTier tier = EvidenceTier.METERED;
        private final List<TaskOutcome> tasks = new ArrayList<>();

        private Window(String model, Instant start) {
            this.model = model;
            this.start = start;
        }

        public Window size(Duration windowSize) {
            this.size = windowSize;
            return this;
        }

        /** Where the tasks added from now on ran. */
        public Window in(Site where) {
            this.site = where;
            return this;
        }

        /** The evidence tier of the energy of the tasks added from now on. */
        public Window tier(EvidenceTier evidence) {
            this.tier = evidence;
            return this;
        }

        /** {@code n} tasks of one fully covered request each, at {@code facilityWhEach} facility Wh. */
        public Window tasks(int n, boolean success, double facilityWhEach) {
            for (int i = 0; i < n; i++) {
                tasks.add(task(model, site, tier, start, success, 1, 1, facilityWhEach));
            }
            return this;
        }

        /** {@code n} tasks of one request each with no energy figure (an unknown model size, say). */
        public Window uncovered(int n, boolean success) {
            for (int i = 0; i < n; i++) {
                tasks.add(task(model, site, tier, start, success, 1, 0, 0.0));
            }
            return this;
        }

        public VariantWindow build() {
            VariantStats stats = VariantCounters.empty();
            for (TaskOutcome t : tasks) {
                stats = VariantCounters.add(stats, t);
            }
            return VariantCounters.result(new VariantKey(USE_CASE, model), start, start.plus(size), stats);
        }
    }
}
