package io.carbonllm.payback.streams;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.LengthBombs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Seeded traffic for the crash and catch-up tests: two use cases, each with a baseline and two candidates (a
 * fine-tune and a RAG variant), one request or a task of 1-3 requests per task, metered energy on Google in
 * eu-north-1. The RAG candidate drifts (1.6 Wh instead of 0.8 Wh) for minutes 8-13, so NOT_SAVING fires and resolves.
 *
 * <p>Records are keyed by use case (a task id travels in the value), and a tenth have no key ({@link RealStack#send}
 * decides where those go). About one in twenty is sent 15-40 s after its event time, late but well
 * within the window grace; a task's requests come 2-6 s apart, well within the task gap. One in two hundred has
 * negative input tokens and goes to the DLQ (stage validate).
 */
final class CrashTraffic {

    static final List<String> USE_CASES = List.of("uc-a", "uc-b");
    static final String BASELINE = "base-70b";
    static final String FINE_TUNE = "ft-8b";
    static final String RAG = "rag-70b";

    /**
     * One record to send: its key (null for none), the use case whose partition it goes to, and the event or, for
     * records that are not events (garbage, length bombs), its raw bytes.
     */
    record Send(String key, String useCase, InferenceEvent event, byte[] raw, LengthBombs.Kind bomb, long sendAt) {

        Send(String key, InferenceEvent event, long sendAt) {
            this(key, event.getUseCase(), event, null, null, sendAt);
        }

        /** The bytes to send: the raw bytes, a length bomb built with the sender's registry, or the event. */
        byte[] bytes(SchemaRegistryClient registry, Serializer<InferenceEvent> serializer) {
            if (raw != null) {
                return raw;
            }
            if (bomb != null) {
                return LengthBombs.of(bomb, registry).bytes();
            }
            return serializer.serialize("inference-events", event);
        }
    }

    private CrashTraffic() {
    }

    static List<ComparisonDefinition> comparisons() {
        List<ComparisonDefinition> defs = new ArrayList<>();
        for (String uc : USE_CASES) {
            defs.add(ComparisonDefinition.newBuilder().setComparisonId("cmp-" + uc).setUseCase(uc)
                    .setBaselineModel(BASELINE)
                    .setCandidates(List.of(
                            CandidateDefinition.newBuilder().setCandidateId("ft").setModelId(FINE_TUNE)
                                    .setRunIds(List.of("run-ft-" + uc)).build(),
                            CandidateDefinition.newBuilder().setCandidateId("rag").setModelId(RAG)
                                    .setRunIds(List.of("run-rag-" + uc)).build()))
                    .setMinBaselineTasks(2).setFireAfterWindows(2).setResolveAfterWindows(2).build());
        }
        return defs;
    }

    static List<TrainingRun> runs() {
        List<TrainingRun> runs = new ArrayList<>();
        for (String uc : USE_CASES) {
            runs.add(TrainingRun.newBuilder().setRunId("run-ft-" + uc).setMeteredKwh(0.05).setRegion("eu-north-1")
                    .setStartedAt(Instant.parse("2025-12-01T00:00:00Z")).build());
            runs.add(TrainingRun.newBuilder().setRunId("run-rag-" + uc).setMeteredKwh(0.01).setRegion("eu-north-1")
                    .setStartedAt(Instant.parse("2025-12-01T00:00:00Z")).build());
        }
        return runs;
    }

    /**
     * {@code minutes} minutes of traffic from {@code t0}, in the order to send, then one tick per use case 20 minutes
     * after the end, which closes every window and task (with a grace of up to 15 minutes).
     */
    static List<Send> generate(long seed, Instant t0, int minutes, int tasksPerModelMinute) {
        return generate(seed, t0, minutes, tasksPerModelMinute, 40_000);
    }

    /** As above, with records sent late by 15 s up to {@code maxDelayMs} (at least 15 s). */
    static List<Send> generate(long seed, Instant t0, int minutes, int tasksPerModelMinute, int maxDelayMs) {
        Random random = new Random(seed);
        List<Send> sends = new ArrayList<>();
        int seq = 0;
        for (int minute = 0; minute < minutes; minute++) {
            for (String uc : USE_CASES) {
                for (String model : List.of(BASELINE, FINE_TUNE, RAG)) {
                    for (int t = 0; t < tasksPerModelMinute; t++) {
                        long start = t0.toEpochMilli() + minute * 60_000L + random.nextInt(50_000);
                        int requests = random.nextDouble() < 0.4 ? 1 + random.nextInt(3) : 1;
                        String taskId = requests > 1 || random.nextDouble() < 0.2 ? "task-" + (++seq) : null;
                        long at = start;
                        for (int r = 0; r < requests; r++) {
                            boolean last = r == requests - 1;
                            boolean success = last ? random.nextDouble() < 0.9 : random.nextDouble() < 0.3;
                            InferenceEvent event = event("e-" + (++seq), uc, model, taskId, at, success,
                                    wh(model, minute), random);
                            if (random.nextInt(200) == 0) {
                                event.setInputTokens(-1);
                            }
                            long sendAt = random.nextDouble() < 0.05 ? at + 15_000 + random.nextInt(Math.max(1, maxDelayMs - 15_000)) : at;
                            String key = random.nextDouble() < 0.1 ? null : uc;
                            sends.add(new Send(key, event, sendAt));
                            at += 2_000 + random.nextInt(4_000);
                        }
                    }
                }
            }
        }
        long end = t0.toEpochMilli() + (minutes + 20) * 60_000L;
        for (String uc : USE_CASES) {
            sends.add(new Send(uc, event("tick-" + uc, uc, "tick", null, end, true, 0.1, random), end));
        }
        sends.sort(Comparator.comparingLong(Send::sendAt).thenComparing(s -> s.event().getEventId()));
        return sends;
    }

    /**
     * The records no producer should write, each of which must go to the DLQ and leave the app running: an event
     * dated 2100 (far ahead of the clock), one at the end of time (overflowing window arithmetic), garbage bytes, and
     * string and map length bombs. Inserted at seeded positions, keyed by a use case.
     */
    static List<Send> withFaults(List<Send> sends, long seed) {
        Random random = new Random(seed);
        List<Send> out = new ArrayList<>(sends);
        String uc = USE_CASES.get(0);
        InferenceEvent template = InferenceEvent.newBuilder(sends.get(0).event()).setTaskId(null).setInputTokens(100).build();
        List<Send> faults = List.of(
                new Send(uc, InferenceEvent.newBuilder(template).setEventId("far-ahead")
                        .setEventTime(Instant.parse("2100-01-01T00:00:00Z")).build(), 0),
                new Send(uc, InferenceEvent.newBuilder(template).setEventId("end-of-time")
                        .setEventTime(Instant.ofEpochMilli(Long.MAX_VALUE - 1)).build(), 0),
                new Send(uc, uc, null, "not avro at all".getBytes(java.nio.charset.StandardCharsets.UTF_8), null, 0),
                new Send(uc, uc, null, null, LengthBombs.Kind.STRING, 0),
                new Send(uc, uc, null, null, LengthBombs.Kind.MAP, 0));
        for (Send fault : faults) {
            out.add(1 + random.nextInt(out.size() - 2), fault);
        }
        return out;
    }

    /** The closing ticks, last in the list: a test sends them once everything before them is read. */
    static boolean isTick(Send send) {
        return send.event() != null && send.event().getEventId().startsWith("tick-");
    }

    private static double wh(String model, int minute) {
        return switch (model) {
            case BASELINE -> 1.0;
            case FINE_TUNE -> 0.5;
            default -> minute >= 8 && minute <= 13 ? 1.6 : 0.8;
        };
    }

    private static InferenceEvent event(String id, String uc, String model, String taskId, long at, boolean success,
                                        double wh, Random random) {
        return InferenceEvent.newBuilder().setEventId(id).setEventTime(Instant.ofEpochMilli(at)).setGateway("crash-it")
                .setUseCase(uc).setModelId(model).setTaskId(taskId).setProvider("google").setRegion("eu-north-1")
                .setInputTokens(200 + random.nextInt(800)).setOutputTokens(20 + random.nextInt(200))
                .setSuccess(success).setErrorType(success ? null : "timeout").setMeteredEnergyWh(wh).build();
    }
}
