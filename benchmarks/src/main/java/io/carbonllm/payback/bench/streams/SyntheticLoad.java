package io.carbonllm.payback.bench.streams;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TrainingRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The events and definitions the streams benchmark loads, like the demo's gateway traffic but over many use cases:
 * {@code useCases} use cases, each served by three models (a 70B baseline, an 8B fine-tune, a 70B with retrieval),
 * event time spread evenly over {@code eventSpan} and ending a minute before {@code end}, a share of the events
 * carrying a task id (tasks of one to three requests, seconds apart), and {@code comparisons} comparisons spread over
 * the use cases (baseline against the fine-tune and the RAG variant, each with a metered one-off run).
 */
public final class SyntheticLoad {

    /** The three models of every use case: id, active and total parameters (billions), mean tokens, success rate. */
    private record Model(String id, double paramsB, int meanInput, int meanOutput, double successRate) {
    }

    static final String BASELINE = "llama-3.1-70b-instruct";
    static final String FINE_TUNE = "llama-3.1-8b-bench-ft";
    static final String RAG = "llama-3.1-70b-instruct-rag";
    private static final List<Model> MODELS = List.of(
            new Model(BASELINE, 70, 2_800, 380, 0.84),
            new Model(FINE_TUNE, 8, 460, 270, 0.95),
            new Model(RAG, 70, 1_200, 310, 0.92));

    private final int events;
    private final int useCases;
    private final double taskShare;
    private final Duration eventSpan;
    private final Instant end;
    private final long seed;

    public SyntheticLoad(int events, int useCases, double taskShare, Duration eventSpan, Instant end, long seed) {
        if (events < 1 || useCases < 1 || taskShare < 0 || taskShare > 1) {
            throw new IllegalArgumentException("events and use cases at least 1, task share in [0, 1]");
        }
        this.events = events;
        this.useCases = useCases;
        this.taskShare = taskShare;
        this.eventSpan = eventSpan;
        this.end = end;
        this.seed = seed;
    }

    public static String useCase(int i) {
        return String.format("bench-uc-%04d", i);
    }

    /** Every event, in event-time order, to {@code sink}. */
    public void forEach(Consumer<InferenceEvent> sink) {
        Random random = new Random(seed);
        long first = end.minus(Duration.ofMinutes(1)).minus(eventSpan).toEpochMilli();
        double step = (double) eventSpan.toMillis() / events;
        // The open task of each (use case, model), and how many more requests it will get
        Map<String, String> openTask = new HashMap<>();
        Map<String, Integer> remaining = new HashMap<>();
        long taskSeq = 0;
        for (int i = 0; i < events; i++) {
            String useCase = useCase(random.nextInt(useCases));
            Model model = MODELS.get(random.nextInt(MODELS.size()));
            String variant = useCase + "/" + model.id();
            String taskId = null;
            if (random.nextDouble() < taskShare) {
                Integer left = remaining.get(variant);
                if (left != null && left > 0) {
                    taskId = openTask.get(variant);
                    remaining.put(variant, left - 1);
                } else {
                    taskId = "task-" + (++taskSeq);
                    openTask.put(variant, taskId);
                    remaining.put(variant, random.nextInt(3));
                }
            }
            long input = draw(random, model.meanInput());
            boolean success = random.nextDouble() < model.successRate();
            sink.accept(InferenceEvent.newBuilder()
                    .setEventId(new UUID(seed, i).toString())
                    .setEventTime(Instant.ofEpochMilli(first + (long) (i * step)))
                    .setGateway("bench-gateway")
                    .setUseCase(useCase)
                    .setTaskId(taskId)
                    .setModelId(model.id())
                    .setProvider("vllm")
                    .setActiveParamsB(model.paramsB())
                    .setTotalParamsB(model.paramsB())
                    .setInputTokens(input)
                    .setCachedInputTokens(input / 4)
                    .setOutputTokens(draw(random, model.meanOutput()))
                    .setSuccess(success)
                    .setErrorType(success ? null : "invalid_format")
                    .setLatencyMs(200L + random.nextInt(1_800))
                    .setRegion("eu-north-1")
                    .setAttributes(Map.of())
                    .build());
        }
    }

    /** {@code count} comparisons, round-robin over the use cases: baseline against a fine-tune and a RAG variant. */
    public List<ComparisonDefinition> comparisons(int count) {
        List<ComparisonDefinition> defs = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            String useCase = useCase(c % useCases);
            defs.add(ComparisonDefinition.newBuilder()
                    .setComparisonId(String.format("bench-cmp-%05d", c))
                    .setUseCase(useCase)
                    .setBaselineModel(BASELINE)
                    .setCandidates(List.of(
                            CandidateDefinition.newBuilder().setCandidateId("ft").setModelId(FINE_TUNE)
                                    .setRunIds(List.of(runId(c, "ft"))).build(),
                            CandidateDefinition.newBuilder().setCandidateId("rag").setModelId(RAG)
                                    .setRunIds(List.of(runId(c, "rag"))).build()))
                    .setMinBaselineTasks(10)
                    .build());
        }
        return defs;
    }

    /** The metered one-off runs the comparisons charge: a fine-tune of 800 kWh, an index build of 200 kWh. */
    public List<TrainingRun> runs(int comparisons) {
        List<TrainingRun> runs = new ArrayList<>();
        Instant started = end.minus(eventSpan).minus(Duration.ofDays(1));
        for (int c = 0; c < comparisons; c++) {
            runs.add(TrainingRun.newBuilder().setRunId(runId(c, "ft")).setMeteredKwh(800.0).setRegion("eu-north-1")
                    .setStartedAt(started).build());
            runs.add(TrainingRun.newBuilder().setRunId(runId(c, "rag")).setMeteredKwh(200.0).setRegion("eu-north-1")
                    .setStartedAt(started).build());
        }
        return runs;
    }

    private static String runId(int comparison, String candidate) {
        return String.format("bench-run-%05d-%s", comparison, candidate);
    }

    /** A token count around {@code mean}, with a 20 % standard deviation, at least 1. */
    private static long draw(Random random, int mean) {
        return Math.max(1, Math.round(mean * (1 + 0.2 * random.nextGaussian())));
    }
}
