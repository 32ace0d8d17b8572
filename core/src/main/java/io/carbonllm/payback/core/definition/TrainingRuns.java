package io.carbonllm.payback.core.definition;

import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.footprint.MeteredScope;
import io.carbonllm.payback.methodology.footprint.OneOffRun;
import io.carbonllm.payback.methodology.footprint.OneOffRunValidator;
import io.carbonllm.payback.methodology.footprint.RunKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The mapping between a {@code TrainingRun} record (the training-runs topic) and the methodology's {@link OneOffRun},
 * with one set of checks: {@code ./payback run} applies them before publishing and the streams app where it reads.
 */
public final class TrainingRuns {

    private TrainingRuns() {
    }

    /** The problems with {@code run}, each naming the field and the value; empty when it is valid. */
    public static List<String> problems(TrainingRun run) {
        List<String> problems = new ArrayList<>();
        RunKind kind = null;
        try {
            kind = kind(run.getKind());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        MeteredScope scope = null;
        try {
            scope = scope(run.getMeteredScope());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (run.getGpuCount() < 0) {
            problems.add("gpuCount must be >= 0, got " + run.getGpuCount());
        }
        problems.addAll(OneOffRunValidator.problems(run.getRunId(), kind == null ? RunKind.OTHER : kind,
                run.getGpuCount() * run.getHours(), run.getAvgPowerWPerGpu(), run.getPue(), run.getOverheadFactor(),
                run.getMeteredKwh(), scope, run.getStartedAt(), run.getEmbodiedGPerGpuHour()));
        if (!(run.getHours() >= 0) || Double.isInfinite(run.getHours())) {
            problems.add("hours must be a finite number >= 0, got " + run.getHours());
        }
        if (run.getOwnership() != null) {
            try {
                Ownership.parse(run.getOwnership());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    /** Whose hardware the run used: its own ownership, else its provider's default ({@link Ownership#defaultFor}). */
    public static Ownership ownership(TrainingRun run) {
        return Ownership.resolve(run.getOwnership(), run.getProvider());
    }

    /** The run as the methodology computes it; an {@link IllegalArgumentException} naming every problem otherwise. */
    public static OneOffRun toOneOffRun(TrainingRun run) {
        List<String> problems = problems(run);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid training run " + run.getRunId() + ": " + String.join("; ", problems));
        }
        return new OneOffRun(run.getRunId(), kind(run.getKind()), run.getGpuCount() * run.getHours(),
                run.getAvgPowerWPerGpu(), run.getPue(), run.getOverheadFactor(), run.getMeteredKwh(),
                scope(run.getMeteredScope()), run.getRegion(), run.getProvider(), run.getStartedAt(),
                run.getEmbodiedGPerGpuHour());
    }

    public static RunKind kind(String name) {
        try {
            return RunKind.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("kind must be one of " + allowed(RunKind.values()) + ", got " + name, e);
        }
    }

    /** Null (no metered energy, or FACILITY by default) stays null. */
    public static MeteredScope scope(String name) {
        if (name == null) {
            return null;
        }
        try {
            return MeteredScope.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("meteredScope must be one of " + allowed(MeteredScope.values())
                    + ", got " + name, e);
        }
    }

    private static String allowed(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
    }
}
