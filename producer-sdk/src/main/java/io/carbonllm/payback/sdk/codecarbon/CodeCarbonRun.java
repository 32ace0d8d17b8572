package io.carbonllm.payback.sdk.codecarbon;

import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.footprint.MeteredScope;
import io.carbonllm.payback.methodology.footprint.OneOffRunValidator;
import io.carbonllm.payback.methodology.footprint.RunKind;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One CodeCarbon run as its last row in {@code emissions.csv} says (CodeCarbon's rows are cumulative), read by
 * {@link CodeCarbonRuns}. Immutable. {@link #toTrainingRun} turns it into the {@link TrainingRun} to publish.
 *
 * @param file            the file name given to {@link CodeCarbonRuns}, for messages
 * @param codeCarbonRunId CodeCarbon's run_id
 * @param position        1-based order of the run's first row among the file's runs
 * @param lines           the file lines holding its rows, for example "2" or "2-4" (first and last)
 * @param endedAt         CodeCarbon's timestamp (when the row was written), read as UTC when it has no offset
 * @param durationSeconds seconds since CodeCarbon's tracker started
 * @param kwh             energy_consumed, kWh
 * @param pue             CodeCarbon's pue parameter (1.0 when absent or empty)
 * @param gpuCount        gpu_count (0 when empty)
 * @param provider        our provider key (from cloud_provider), or null
 * @param region          our region key: the cloud region, else the country code, else null
 * @param location        which location was used and, when checked, whether the grid table has a row for it
 */
public record CodeCarbonRun(String file, String codeCarbonRunId, int position, String lines, Instant endedAt,
                            double durationSeconds, double kwh, double pue, int gpuCount, String provider,
                            String region, String location) {

    /** Checks that the components are there; the values are checked where the file is read. */
    public CodeCarbonRun {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(codeCarbonRunId, "codeCarbonRunId");
        Objects.requireNonNull(lines, "lines");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(location, "location");
    }

    /** IT when CodeCarbon's pue is 1.0 (our PUE applies), else FACILITY (CodeCarbon already multiplied it in). */
    public MeteredScope scope() {
        return pue == 1.0 ? MeteredScope.IT : MeteredScope.FACILITY;
    }

    /** The duration in hours. */
    public double hours() {
        return durationSeconds / 3600.0;
    }

    /** When CodeCarbon's tracker started: the last row's timestamp minus its duration. */
    public Instant startedAt() {
        return endedAt.minusNanos(Math.round(durationSeconds * 1e9));
    }

    /**
     * What this run's energy means: "facility energy: CodeCarbon already multiplied in its pue 1.2", or "IT energy
     * (CodeCarbon pue 1.0): our PUE applies" (which PUE is the factor tables' business: the streams app's).
     */
    public String energyNote() {
        if (scope() == MeteredScope.FACILITY) {
            return "facility energy: CodeCarbon already multiplied in its pue " + pue;
        }
        return "IT energy (CodeCarbon pue 1.0): our PUE applies";
    }

    /** The run id this run is published under by {@link CodeCarbonRuns#record}: {@code id-N}, N its position. */
    public String runId(String id) {
        return id + "-" + position;
    }

    /**
     * The record to publish under {@code runId}: the metered kWh with its scope, the GPU count, hours, start, provider
     * and region from the file, the rest from the arguments. Not checked here: {@link CodeCarbonRuns#record} checks it
     * with the methodology's {@link OneOffRunValidator} (the CLI with core's {@code TrainingRuns}).
     *
     * @param runId               the run id comparisons charge
     * @param kind                what the run was for
     * @param candidateModel      the model the run produced, for readers of the topic; may be null
     * @param overheadFactor      CPU and RAM on top of the GPUs (at least 1; never applied to metered kWh)
     * @param embodiedGPerGpuHour optional embodied emissions per GPU-hour; may be null
     */
    public TrainingRun toTrainingRun(String runId, RunKind kind, String candidateModel, double overheadFactor,
                                     Double embodiedGPerGpuHour) {
        Objects.requireNonNull(kind, "kind");
        return TrainingRun.newBuilder().setRunId(runId).setKind(kind.name()).setCandidateModel(candidateModel)
                .setGpuCount(gpuCount).setHours(hours()).setAvgPowerWPerGpu(0).setPue(null)
                .setOverheadFactor(overheadFactor).setMeteredKwh(kwh).setMeteredScope(scope().name())
                .setProvider(provider).setRegion(region).setStartedAt(startedAt())
                .setEmbodiedGPerGpuHour(embodiedGPerGpuHour).build();
    }

    /** What the methodology's one set of checks finds wrong with {@link #toTrainingRun}'s record; empty when valid. */
    List<String> problems(String runId, RunKind kind, double overheadFactor, Double embodiedGPerGpuHour) {
        return OneOffRunValidator.problems(runId, kind, gpuCount * hours(), 0, null, overheadFactor, kwh, scope(),
                startedAt(), embodiedGPerGpuHour);
    }
}
