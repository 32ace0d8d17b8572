package io.carbonllm.payback.demo;

import io.carbonllm.payback.core.definition.CandidateKind;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.footprint.RunKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The demo's story, in windows of event time from its start:
 * <ol>
 *   <li>windows 0-29: the baseline runs heavy prompts on a 70B model; the fine-tune (an 8B model, short prompts)
 *       saves on every successful task and pays back its one-off runs in energy; a RAG variant runs alongside. The
 *       fine-tune was trained in eu-central-1 (about 342 gCO2e/kWh) and is served in eu-north-1 (about 21): its CO2e
 *       payback trails its energy payback sixteen-fold, and the console shows both;</li>
 *   <li>windows 30-37: the fine-tune drifts (prompts grow to 6,000 tokens, 80 % of tasks fail): NOT_SAVING fires
 *       after three such windows;</li>
 *   <li>from window 38: it recovers, and the alert resolves after two good windows.</li>
 * </ol>
 */
public final class DemoStory {

    public static final String USE_CASE = "support-summarize";
    public static final String COMPARISON_ID = "support-summarize-ft";
    static final int DRIFT_FROM = 30;
    static final int RECOVER_FROM = 38;
    /** Where the fine-tune was trained: a dirtier grid than eu-north-1, where everything is served. */
    static final String TRAINING_REGION = "eu-central-1";

    private final Instant start;
    private final Duration window;

    /** How long before a UTC midnight a new story starts: the first day closes a few minutes in. */
    public static final Duration BEFORE_MIDNIGHT = Duration.ofHours(1);

    /**
     * Where a new story starts in event time: an hour before the last UTC midnight, so that at the demo's speed its
     * first day closes a few minutes in and {@code ./payback disclose} has a closed day to report (a day's totals
     * are written once it has closed). Event time then catches the clock up and runs ahead of it.
     */
    public static Instant freshStart(Instant now) {
        return now.truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(BEFORE_MIDNIGHT);
    }

    public DemoStory(Instant start, Duration window) {
        this.start = start;
        this.window = window;
    }

    /** The variants at an event time. */
    public List<VariantProfile> variantsAt(Instant eventTime) {
        long index = Math.max(0, Duration.between(start, eventTime).toMillis() / window.toMillis());
        boolean drifting = index >= DRIFT_FROM && index < RECOVER_FROM;
        return List.of(VariantProfile.baseline(),
                drifting ? VariantProfile.driftedFineTune() : VariantProfile.fineTune(),
                VariantProfile.rag());
    }

    /** The comparison: the baseline against the fine-tune and the RAG variant, over a 30-day horizon. */
    public ComparisonDefinition comparison() {
        return ComparisonDefinition.newBuilder()
                .setComparisonId(COMPARISON_ID)
                .setUseCase(USE_CASE)
                .setBaselineModel(VariantProfile.baseline().modelId())
                .setCandidates(List.of(
                        CandidateDefinition.newBuilder().setCandidateId("fine-tune")
                                .setModelId(VariantProfile.fineTune().modelId()).setKind(CandidateKind.FINE_TUNE.name())
                                .setRunIds(List.of("ft-search", "ft-final")).build(),
                        CandidateDefinition.newBuilder().setCandidateId("rag")
                                .setModelId(VariantProfile.rag().modelId()).setKind(CandidateKind.RAG.name())
                                .setRunIds(List.of("rag-index")).build()))
                .setHorizonEnd(start.plus(Duration.ofDays(30)))
                .setMinSuccessRate(0.5)
                .setFireAfterWindows(3)
                .setResolveAfterWindows(2)
                .setMinBaselineTasks(10)
                .setSavingRateLookbackWindows(10)
                .build();
    }

    /**
     * The one-off runs: the hyper-parameter search and the final LoRA run, trained on a dirtier grid than inference
     * runs on, and the RAG index build, metered beside the inference servers.
     */
    public List<TrainingRun> runs() {
        return List.of(
                TrainingRun.newBuilder().setRunId("ft-search").setKind(RunKind.FINE_TUNE.name())
                        .setCandidateModel(VariantProfile.fineTune().modelId()).setGpuCount(1).setHours(1.0)
                        .setAvgPowerWPerGpu(280).setPue(1.1).setRegion(TRAINING_REGION).setStartedAt(start.minus(Duration.ofDays(2)))
                        .build(),
                TrainingRun.newBuilder().setRunId("ft-final").setKind(RunKind.FINE_TUNE.name())
                        .setCandidateModel(VariantProfile.fineTune().modelId()).setGpuCount(1).setHours(1.5)
                        .setAvgPowerWPerGpu(300).setPue(1.1).setRegion(TRAINING_REGION).setStartedAt(start.minus(Duration.ofDays(1)))
                        .build(),
                TrainingRun.newBuilder().setRunId("rag-index").setKind(RunKind.RAG_INDEX.name())
                        .setCandidateModel(VariantProfile.rag().modelId()).setMeteredKwh(0.2).setMeteredScope("FACILITY")
                        .setRegion("eu-north-1")
                        .setStartedAt(start.minus(Duration.ofDays(1))).build());
    }
}
