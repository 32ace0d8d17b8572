package io.carbonllm.payback.cli;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.events.TrainingRun;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Publishes a one-off run (a training or fine-tuning run, a RAG index build) to the compacted "
                + "training-runs topic. Publishing the same --id again corrects the run: it replaces the old one.",
            "Give --gpus, --hours and --power-w (measured average draw), or --metered-kwh, which wins."},
        footer = {"", "Example:", "  ./payback run --id ft-final --model llama-3.1-8b-support-ft --gpus 8 --hours 3.5 --power-w 300 \\",
            "    --pue 1.1 --region eu-north-1 --started-at 2026-11-20T08:00:00Z"})
final class RunCommand implements Callable<Integer> {

    static final Set<String> KINDS = Set.of("FINE_TUNE", "RAG_INDEX", "OTHER");

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--topic", paramLabel = "TOPIC", description = "(default: ${DEFAULT-VALUE})")
    String topic = TopicNames.TRAINING_RUNS;

    @Option(names = "--id", required = true, paramLabel = "RUN_ID", description = "The run id comparisons charge (--candidate-runs).")
    String id;

    @Option(names = "--kind", paramLabel = "KIND", description = "FINE_TUNE, RAG_INDEX or OTHER (default: ${DEFAULT-VALUE}).")
    String kind = "FINE_TUNE";

    @Option(names = "--model", paramLabel = "MODEL", description = "The model the run produced, for readers of the topic.")
    String model;

    @Option(names = "--gpus", paramLabel = "N", description = "GPU count.")
    Integer gpus;

    @Option(names = "--hours", paramLabel = "H", description = "Wall-clock hours.")
    Double hours;

    @Option(names = "--power-w", paramLabel = "W", description = "Average measured power per GPU, in W.")
    Double powerW;

    @Option(names = "--pue", paramLabel = "PUE", description = "PUE (>= 1; default: the factor table's for --region).")
    Double pue;

    @Option(names = "--overhead-factor", paramLabel = "F", description = "CPU and RAM on top of the GPUs (>= 1; default: ${DEFAULT-VALUE}).")
    double overhead = 1.0;

    @Option(names = "--metered-kwh", paramLabel = "KWH", description = "Metered facility energy; replaces the GPU inputs.")
    Double meteredKwh;

    @Option(names = "--region", paramLabel = "REGION", description = "Where it ran (selects the grid intensity).")
    String region;

    @Option(names = "--started-at", paramLabel = "ISO-8601", description = "When it ran (default: now).")
    Instant startedAt;

    @Option(names = "--embodied-g-per-gpu-hour", paramLabel = "G", description = "Optional embodied emissions per GPU-hour.")
    Double embodied;

    @Override
    public Integer call() throws Exception {
        if (!KINDS.contains(kind.toUpperCase(Locale.ROOT))) {
            fail("--kind must be one of " + KINDS + ", got " + kind);
        }
        if (meteredKwh == null && (gpus == null || hours == null || powerW == null)) {
            fail("give --gpus, --hours and --power-w, or --metered-kwh");
        }
        if (meteredKwh != null && !(meteredKwh >= 0)) {
            fail("--metered-kwh must be >= 0, got " + meteredKwh);
        }
        if (gpus != null && gpus < 0 || hours != null && !(hours >= 0) || powerW != null && !(powerW >= 0)) {
            fail("--gpus, --hours and --power-w must be >= 0");
        }
        if (pue != null && !(pue >= 1)) {
            fail("--pue must be >= 1, got " + pue);
        }
        if (!(overhead >= 1)) {
            fail("--overhead-factor must be >= 1, got " + overhead);
        }
        TrainingRun run = TrainingRun.newBuilder().setRunId(id).setKind(kind.toUpperCase(Locale.ROOT))
                .setCandidateModel(model).setGpuCount(gpus == null ? 0 : gpus).setHours(hours == null ? 0 : hours)
                .setAvgPowerWPerGpu(powerW == null ? 0 : powerW).setPue(pue).setOverheadFactor(overhead)
                .setMeteredKwh(meteredKwh).setRegion(region).setStartedAt(startedAt == null ? Instant.now() : startedAt)
                .setEmbodiedGPerGpuHour(embodied).build();
        RecordMetadata metadata = DefinitionPublisher.publish(kafka, topic, id, run);
        spec.commandLine().getOut().printf("published run %s to %s partition %d offset %d%n", id, topic,
                metadata.partition(), metadata.offset());
        return 0;
    }

    private void fail(String message) {
        throw new ParameterException(spec.commandLine(), message);
    }
}
