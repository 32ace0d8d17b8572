package io.carbonllm.payback.methodology.footprint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one set of checks for a one-off run, shared by {@link OneOffRun}'s constructor, the CLI and the streams
 * engine, so that a run is judged the same wherever it enters. Every problem names the field (by its domain name,
 * as in {@link OneOffRun}) and the reason; all problems are reported, not just the first.
 */
public final class OneOffRunValidator {

    /** The run kinds, as a problem message names them: "FINE_TUNE, RAG_INDEX, OTHER". */
    private static final String KINDS = Arrays.stream(RunKind.values()).map(RunKind::name)
            .collect(Collectors.joining(", "));

    private OneOffRunValidator() {
    }

    /**
     * The problems with a run's values, in the order of {@link OneOffRun}'s components; empty when it is valid.
     * Region and provider are free text (null: unknown) and are not checked.
     */
    public static List<String> problems(String runId, RunKind kind, double gpuHours, double avgPowerWPerGpu,
                                        Double pue, double overheadFactor, Double meteredKwh,
                                        MeteredScope meteredScope, Instant startedAt, Double embodiedGPerGpuHour) {
        List<String> problems = new ArrayList<>();
        if (runId == null || runId.isBlank()) {
            problems.add("runId is required");
        }
        if (kind == null) {
            problems.add("kind is required (one of " + KINDS + ")");
        }
        boolean gpuHoursValid = nonNegative(problems, "gpuHours", gpuHours);
        boolean powerValid = nonNegative(problems, "avgPowerWPerGpu", avgPowerWPerGpu);
        if (pue != null && !atLeastOne(pue)) {
            problems.add("pue must be a finite number >= 1.0, got " + pue);
        }
        if (!atLeastOne(overheadFactor)) {
            problems.add("overheadFactor must be a finite number >= 1.0, got " + overheadFactor);
        }
        if (meteredKwh != null) {
            nonNegative(problems, "meteredKwh", meteredKwh);
        } else {
            if (meteredScope != null) {
                problems.add("meteredScope " + meteredScope + " is given without meteredKwh");
            }
            if (gpuHoursValid && powerValid && !(gpuHours > 0 && avgPowerWPerGpu > 0)) {
                problems.add("a run needs meteredKwh, or gpuHours and avgPowerWPerGpu both > 0; got gpuHours "
                        + gpuHours + " and avgPowerWPerGpu " + avgPowerWPerGpu + " and no meteredKwh");
            }
        }
        if (startedAt == null) {
            problems.add("startedAt is required");
        }
        if (embodiedGPerGpuHour != null) {
            nonNegative(problems, "embodiedGPerGpuHour", embodiedGPerGpuHour);
        }
        return problems;
    }

    /** Throws an {@link IllegalArgumentException} listing every problem, if there is any. */
    public static void requireValid(String runId, RunKind kind, double gpuHours, double avgPowerWPerGpu, Double pue,
                                    double overheadFactor, Double meteredKwh, MeteredScope meteredScope,
                                    Instant startedAt, Double embodiedGPerGpuHour) {
        List<String> problems = problems(runId, kind, gpuHours, avgPowerWPerGpu, pue, overheadFactor, meteredKwh,
                meteredScope, startedAt, embodiedGPerGpuHour);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid one-off run" + (runId == null ? "" : " '" + runId + "'")
                    + ": " + String.join("; ", problems));
        }
    }

    private static boolean nonNegative(List<String> problems, String field, double value) {
        boolean valid = value >= 0 && Double.isFinite(value);
        if (!valid) {
            problems.add(field + " must be a finite number >= 0, got " + value);
        }
        return valid;
    }

    private static boolean atLeastOne(double value) {
        return value >= 1.0 && Double.isFinite(value);
    }
}
