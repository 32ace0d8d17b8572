package io.carbonllm.payback.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedPue;
import io.carbonllm.payback.methodology.footprint.MeteredScope;
import io.carbonllm.payback.methodology.footprint.RunKind;
import io.carbonllm.payback.sdk.codecarbon.CodeCarbonRun;
import io.carbonllm.payback.sdk.codecarbon.CodeCarbonRuns;
import io.carbonllm.payback.streams.disclosure.BoAmpsReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
                + TopicNames.TRAINING_RUNS + " topic. Publishing the same --id again corrects the run: it replaces "
                + "the old one.",
            "Give --gpus, --hours and --power-w (measured average draw), or --metered-kwh, which wins. The run is "
                + "checked as the streams app checks it before anything is published."},
        footer = {"", "Examples:",
            "  ./payback run --id ft-final --model llama-3.1-8b-support-ft \\",
            "    --gpus 8 --hours 3.5 --power-w 300 --provider aws --region eu-north-1 \\",
            "    --started-at 2026-11-20T08:00:00Z",
            "  ./payback run --id ft-search --metered-kwh 42.5 --metered-scope it \\",
            "    --provider aws --region eu-north-1",
            "  ./payback run --id ft-final --model llama-3.1-8b-support-ft --from-codecarbon emissions.csv --dry-run"})
final class RunCommand implements Callable<Integer> {

    /** The flag to name for each field the shared checks ({@link TrainingRuns#problems}) report. */
    static final FieldFlags FLAGS = new FieldFlags(flagsByField());

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--topic", paramLabel = "TOPIC", description = "(default: ${DEFAULT-VALUE})")
    String topic = TopicNames.TRAINING_RUNS;

    @Option(names = "--id", required = true, paramLabel = "RUN_ID", description = "The run id comparisons charge "
            + "(--candidate-runs). With --from-codecarbon, each CodeCarbon run is published as RUN_ID-N (N its "
            + "position in the file), or as RUN_ID with --codecarbon-run-id.")
    String id;

    @Option(names = "--kind", paramLabel = "KIND", converter = EnumOptions.RunKinds.class,
            description = "fine-tune, rag-index or other, in any case (default: fine-tune).")
    RunKind kind = RunKind.FINE_TUNE;

    @Option(names = "--model", paramLabel = "MODEL", description = "The model the run produced, for readers of the topic.")
    String model;

    @Option(names = "--gpus", paramLabel = "N", description = "GPU count.")
    Integer gpus;

    @Option(names = "--hours", paramLabel = "H", description = "Wall-clock hours.")
    Double hours;

    @Option(names = "--power-w", paramLabel = "W", description = "Average measured power per GPU, in W.")
    Double powerW;

    @Option(names = "--pue", paramLabel = "PUE", description = "PUE (>= 1) for GPU estimates and IT-metered kWh "
            + "(default: the factor table's for --provider, else --region, else the default).")
    Double pue;

    @Option(names = "--overhead-factor", paramLabel = "F", description = "CPU and RAM on top of the GPUs (>= 1; default: ${DEFAULT-VALUE}); never applied to metered kWh.")
    double overhead = 1.0;

    @Option(names = "--metered-kwh", paramLabel = "KWH", description = "Metered energy of the whole run; replaces the GPU inputs. What it measured is --metered-scope.")
    Double meteredKwh;

    @Option(names = "--metered-scope", paramLabel = "SCOPE", converter = EnumOptions.MeteredScopes.class,
            description = "What --metered-kwh measured: it or facility, in any case (default with --metered-kwh: "
                    + "facility). IT is the servers' draw, what CodeCarbon, DCGM and nvidia-smi report: the PUE of "
                    + "the run's --provider/--region (or --pue) is then applied. FACILITY (a facility meter, a "
                    + "data-centre bill) already includes the PUE.")
    MeteredScope meteredScope;

    @Option(names = "--provider", paramLabel = "NAME", description = "The cloud or operator it ran on (e.g. aws): selects the PUE before --region does, as for inference.")
    String provider;

    @Option(names = "--region", paramLabel = "REGION", description = "Where it ran: selects the grid intensity, and the PUE when --provider has none.")
    String region;

    @Option(names = "--ownership", paramLabel = "OWNERSHIP", converter = EnumOptions.Ownerships.class,
            description = "Whose hardware it ran on: owned, colocated, cloud or api, in any case. It sets the GHG "
                    + "scope of its emissions: owned or colocated, Scope 2 for electricity and Scope 3 Category 2 for "
                    + "the hardware; cloud or api, Scope 3 Category 1 for both (default: from --provider: none is "
                    + "owned, a model-API provider api, any other cloud). Also applies with --from-codecarbon.")
    Ownership ownership;

    @Option(names = "--started-at", paramLabel = "ISO-8601", description = "When it ran (default: now).")
    Instant startedAt;

    @Option(names = "--embodied-g-per-gpu-hour", paramLabel = "G", description = "Optional embodied emissions per GPU-hour (>= 0).")
    Double embodied;

    @Option(names = "--from-codecarbon", paramLabel = "FILE", description = "Import CodeCarbon's emissions.csv: "
            + "one metered run per CodeCarbon run_id (its last row: CodeCarbon's rows are cumulative), with its "
            + "energy, scope (IT when its pue is 1.0, else FACILITY), GPU count, duration, start and location. "
            + "Replaces --gpus, --hours, --power-w, --metered-kwh, --metered-scope, --pue, --provider, --region "
            + "and --started-at.")
    Path fromCodeCarbon;

    @Option(names = "--codecarbon-run-id", paramLabel = "UUID", description = "With --from-codecarbon: import only "
            + "this CodeCarbon run_id, published as --id itself (default: every run in the file, as RUN_ID-N).")
    String codeCarbonRunId;

    @Option(names = "--dry-run", description = "Check and print the runs as they would be published; publish nothing.")
    boolean dryRun;

    @Option(names = "--boamps-dir", paramLabel = "DIR", description = "Also write each run as a BoAmps report "
            + "(Boavizta's JSON format for the energy of an AI task, " + BoAmpsReport.FORMAT_VERSION + "), to "
            + "DIR/RUN_ID.boamps.json, priced with the shipped factors; with --dry-run too.")
    Path boampsDir;

    /** The flags --from-codecarbon replaces, for the refusal message. */
    private static final String REPLACED = "--gpus, --hours, --power-w, --metered-kwh, --metered-scope, --pue, "
            + "--provider, --region, --started-at";

    @Override
    public Integer call() throws Exception {
        Map<String, TrainingRun> runs = new LinkedHashMap<>();
        if (fromCodeCarbon == null) {
            runs.put(id, validRun());
        } else {
            for (Imported imported : validCodeCarbonRuns()) {
                runs.put(imported.run().getRunId(), imported.run());
                spec.commandLine().getOut().printf("run %s: CodeCarbon run %s (%s line %s): %s; %s%n",
                        imported.run().getRunId(), imported.source().codeCarbonRunId(), fromCodeCarbon,
                        imported.source().lines(), energyNote(imported.source(), FactorTable.defaults()),
                        imported.source().location());
            }
        }
        for (Map.Entry<String, TrainingRun> run : runs.entrySet()) {
            spec.commandLine().getOut().printf("run %s: %s%n", run.getKey(), scopeNote(run.getValue()));
            if (boampsDir != null) {
                Path file = writeBoAmps(run.getValue());
                spec.commandLine().getOut().printf("run %s: BoAmps report written to %s%n", run.getKey(), file);
            }
            if (dryRun) {
                spec.commandLine().getOut().printf("would publish run %s to %s: %s%n", run.getKey(), topic,
                        run.getValue());
                continue;
            }
            RecordMetadata metadata = DefinitionPublisher.publish(kafka, topic, run.getKey(), run.getValue());
            spec.commandLine().getOut().printf("published run %s to %s partition %d offset %d%n", run.getKey(),
                    topic, metadata.partition(), metadata.offset());
        }
        return 0;
    }

    /** The run's BoAmps report, in {@link #boampsDir}; a clear error (exit code 2) when it cannot be written. */
    private Path writeBoAmps(TrainingRun run) {
        Path file = boampsDir.resolve(run.getRunId().replaceAll("[^A-Za-z0-9._-]", "_") + ".boamps.json");
        try {
            Files.createDirectories(boampsDir);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(),
                    BoAmpsReport.of(run, FactorTable.defaults(), Instant.now(), UUID.randomUUID().toString()));
        } catch (IOException e) {
            fail("--boamps-dir: cannot write " + file + ": " + e.getMessage());
        }
        return file;
    }

    private String ownershipName() {
        return ownership == null ? null : Ownership.canonical(ownership.name());
    }

    /** Where the run's emissions sit, and why: "cloud (from provider aws): Scope 3 Category 1 ...". */
    static String scopeNote(TrainingRun run) {
        Ownership applied = TrainingRuns.ownership(run);
        String why = run.getOwnership() != null ? "given"
                : run.getProvider() == null || run.getProvider().isBlank() ? "no provider"
                : "from provider " + run.getProvider();
        String electricity = applied.electricityScope().label();
        String hardware = applied.embodiedScope() == applied.electricityScope() ? "hardware included"
                : "hardware in " + applied.embodiedScope().label();
        return EnumOptions.display(applied) + " (" + why + "): electricity in " + electricity + ", " + hardware;
    }

    /** A run read from CodeCarbon's file, with the row it came from. */
    record Imported(TrainingRun run, CodeCarbonRun source) {
    }

    /** What a CodeCarbon run's energy means, and for IT energy the PUE the tables give it (at its start). */
    static String energyNote(CodeCarbonRun run, FactorTable factors) {
        if (run.scope() == MeteredScope.FACILITY) {
            return run.energyNote();
        }
        ResolvedPue applied = factors.pue(run.provider(), run.region(), run.startedAt());
        return run.energyNote() + ", " + applied.pue() + " by " + applied.scope().label() + " " + applied.key();
    }

    /** The runs {@code --from-codecarbon} would publish, refused (exit code 2) with the first problem found. */
    List<Imported> validCodeCarbonRuns() {
        List<String> replaced = new ArrayList<>();
        addIf(replaced, gpus != null, "--gpus");
        addIf(replaced, hours != null, "--hours");
        addIf(replaced, powerW != null, "--power-w");
        addIf(replaced, meteredKwh != null, "--metered-kwh");
        addIf(replaced, meteredScope != null, "--metered-scope");
        addIf(replaced, pue != null, "--pue");
        addIf(replaced, provider != null, "--provider");
        addIf(replaced, region != null, "--region");
        addIf(replaced, startedAt != null, "--started-at");
        if (!replaced.isEmpty()) {
            fail("--from-codecarbon takes the energy, its scope, the GPU count, duration, start and location from "
                    + "the file: drop " + String.join(", ", replaced) + " (it replaces " + REPLACED + ")");
        }
        FactorTable factors = FactorTable.defaults();
        List<CodeCarbonRun> all;
        try {
            // The location notes say whether the shipped grid table has a row for each run's region
            all = CodeCarbonRuns.read(fromCodeCarbon, (region, at) -> !factors.grid(region, at).worldDefault());
        } catch (IOException e) {
            fail("--from-codecarbon: cannot read " + fromCodeCarbon + ": " + e);
            return List.of();
        } catch (IllegalArgumentException e) {
            fail("--from-codecarbon: " + e.getMessage());
            return List.of();
        }
        List<CodeCarbonRun> chosen = codeCarbonRunId == null ? all
                : all.stream().filter(m -> m.codeCarbonRunId().equals(codeCarbonRunId)).toList();
        if (chosen.isEmpty()) {
            fail("--codecarbon-run-id " + codeCarbonRunId + " is not in " + fromCodeCarbon + ", which has "
                    + all.stream().map(CodeCarbonRun::codeCarbonRunId).collect(Collectors.joining(", ")));
        }
        List<Imported> imported = new ArrayList<>();
        for (CodeCarbonRun metered : chosen) {
            String runId = codeCarbonRunId == null ? metered.runId(id) : id;
            TrainingRun run = metered.toTrainingRun(runId, kind, model, overhead, embodied);
            run.setOwnership(ownershipName());
            List<String> problems = TrainingRuns.problems(run);
            if (!problems.isEmpty()) {
                fail("invalid run " + runId + " from " + fromCodeCarbon + " line " + metered.lines() + ": "
                        + FLAGS.message(problems));
            }
            imported.add(new Imported(run, metered));
        }
        return imported;
    }

    private static void addIf(List<String> flags, boolean given, String flag) {
        if (given) {
            flags.add(flag);
        }
    }

    /** The record to publish, refused (exit code 2) with every problem the streams app would find in it. */
    TrainingRun validRun() {
        if (codeCarbonRunId != null) {
            fail("--codecarbon-run-id needs --from-codecarbon: it picks a run from that file");
        }
        if (meteredScope != null && meteredKwh == null) {
            fail("--metered-scope needs --metered-kwh: it says what the metered energy measured");
        }
        if (meteredKwh == null && (gpus == null || hours == null || powerW == null)) {
            fail("give --gpus, --hours and --power-w, or --metered-kwh");
        }
        MeteredScope scope = meteredKwh == null ? null : meteredScope == null ? MeteredScope.FACILITY : meteredScope;
        if (scope == MeteredScope.FACILITY && pue != null) {
            fail("--pue does not apply to facility-metered --metered-kwh, which already includes it: drop --pue, "
                    + "or pass --metered-scope it if the meter saw only the servers");
        }
        TrainingRun run = TrainingRun.newBuilder().setRunId(id).setKind(kind.name())
                .setCandidateModel(model).setGpuCount(gpus == null ? 0 : gpus).setHours(hours == null ? 0 : hours)
                .setAvgPowerWPerGpu(powerW == null ? 0 : powerW).setPue(pue).setOverheadFactor(overhead)
                .setMeteredKwh(meteredKwh).setMeteredScope(scope == null ? null : scope.name())
                .setProvider(provider).setRegion(region)
                .setStartedAt(startedAt == null ? Instant.now() : startedAt)
                .setEmbodiedGPerGpuHour(embodied).setOwnership(ownershipName()).build();
        List<String> problems = TrainingRuns.problems(run);
        if (!problems.isEmpty()) {
            fail("invalid run " + id + ": " + FLAGS.message(problems));
        }
        return run;
    }

    private static Map<String, String> flagsByField() {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("runId", "--id");
        flags.put("kind", "--kind");
        flags.put("gpuCount", "--gpus");
        flags.put("hours", "--hours");
        flags.put("gpuHours", "--gpus x --hours");
        flags.put("avgPowerWPerGpu", "--power-w");
        flags.put("pue", "--pue");
        flags.put("overheadFactor", "--overhead-factor");
        flags.put("meteredKwh", "--metered-kwh");
        flags.put("ownership", "--ownership");
        flags.put("meteredScope", "--metered-scope");
        flags.put("startedAt", "--started-at");
        flags.put("embodiedGPerGpuHour", "--embodied-g-per-gpu-hour");
        return flags;
    }

    private void fail(String message) {
        throw new ParameterException(spec.commandLine(), message);
    }
}
