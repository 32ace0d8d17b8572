package io.carbonllm.payback.methodology.footprint;

import java.time.Instant;
import java.util.Objects;

/**
 * One run of one-off work charged to a candidate. Either metered kWh (which wins) or GPU-hours at an average power.
 *
 * @param runId               identifies the run; a corrected run replaces the old one by this id
 * @param kind                what the run was for
 * @param gpuHours            GPU count x hours
 * @param avgPowerWPerGpu     average power draw per GPU, in W (measured draw is often well below TDP)
 * @param pue                 the facility's PUE, or null to look it up for the region
 * @param overheadFactor      multiplies GPU energy to cover CPU and RAM (1.0: none)
 * @param meteredKwh          metered facility energy of the whole run, or null
 * @param region              where it ran: selects the grid (and the PUE when none is given)
 * @param startedAt           when it ran: selects the factors in effect then
 * @param embodiedGPerGpuHour optional embodied emissions per GPU-hour (hardware manufacture, amortized), or null
 */
public record OneOffRun(String runId, RunKind kind, double gpuHours, double avgPowerWPerGpu, Double pue,
                        double overheadFactor, Double meteredKwh, String region, Instant startedAt,
                        Double embodiedGPerGpuHour) {

    public OneOffRun {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(startedAt, "startedAt");
        requireNonNegative("gpuHours", gpuHours);
        requireNonNegative("avgPowerWPerGpu", avgPowerWPerGpu);
        if (!(overheadFactor >= 1.0) || Double.isInfinite(overheadFactor)) {
            throw new IllegalArgumentException("overheadFactor must be a finite number >= 1.0: " + overheadFactor);
        }
        if (pue != null && (!(pue >= 1.0) || pue.isInfinite())) {
            throw new IllegalArgumentException("pue must be a finite number >= 1.0: " + pue);
        }
        if (meteredKwh != null) {
            requireNonNegative("meteredKwh", meteredKwh);
        }
        if (embodiedGPerGpuHour != null) {
            requireNonNegative("embodiedGPerGpuHour", embodiedGPerGpuHour);
        }
    }

    /** A run estimated from GPU count, hours and average power. */
    public static OneOffRun estimated(String runId, RunKind kind, int gpus, double hours, double avgPowerWPerGpu,
                                      Double pue, String region, Instant startedAt) {
        return new OneOffRun(runId, kind, gpus * hours, avgPowerWPerGpu, pue, 1.0, null, region, startedAt, null);
    }

    /** A run with metered facility energy. */
    public static OneOffRun metered(String runId, RunKind kind, double kwh, String region, Instant startedAt) {
        return new OneOffRun(runId, kind, 0, 0, null, 1.0, kwh, region, startedAt, null);
    }

    public OneOffRun withOverheadFactor(double factor) {
        return new OneOffRun(runId, kind, gpuHours, avgPowerWPerGpu, pue, factor, meteredKwh, region, startedAt, embodiedGPerGpuHour);
    }

    public OneOffRun withEmbodied(double gPerGpuHour) {
        return new OneOffRun(runId, kind, gpuHours, avgPowerWPerGpu, pue, overheadFactor, meteredKwh, region, startedAt, gPerGpuHour);
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0: " + value);
        }
    }
}
