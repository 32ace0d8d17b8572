package io.carbonllm.payback.methodology.footprint;

import java.time.Instant;

/**
 * One run of one-off work charged to a candidate. Either metered kWh (which wins) or GPU-hours at an average power.
 * The constructor checks every value with {@link OneOffRunValidator} and reports all problems at once.
 *
 * @param runId               identifies the run; a corrected run replaces the old one by this id
 * @param kind                what the run was for
 * @param gpuHours            GPU count x hours (with metered kWh, only needed for embodied emissions)
 * @param avgPowerWPerGpu     average power draw per GPU, in W (measured draw is often well below TDP)
 * @param pue                 the facility's PUE, or null to look it up for the provider, else the region, else the
 *                            default; used for estimated runs and IT-metered kWh, never for facility-metered kWh
 * @param overheadFactor      multiplies GPU energy to cover CPU and RAM (1.0: none); not applied to metered kWh
 * @param meteredKwh          metered energy of the whole run, or null
 * @param meteredScope        what {@code meteredKwh} measured: IT (PUE applies) or FACILITY (used as is); FACILITY
 *                            when metered kWh is given without a scope, null without metered kWh
 * @param region              where it ran: selects the grid, and the PUE when the run gives none and the provider
 *                            has none
 * @param provider            the cloud or provider it ran on (for example aws), or null: selects the PUE first
 * @param startedAt           when it ran: selects the factors in effect then
 * @param embodiedGPerGpuHour optional embodied emissions per GPU-hour (hardware manufacture, amortized), or null
 */
public record OneOffRun(String runId, RunKind kind, double gpuHours, double avgPowerWPerGpu, Double pue,
                        double overheadFactor, Double meteredKwh, MeteredScope meteredScope, String region,
                        String provider, Instant startedAt, Double embodiedGPerGpuHour) {

    public OneOffRun {
        OneOffRunValidator.requireValid(runId, kind, gpuHours, avgPowerWPerGpu, pue, overheadFactor, meteredKwh,
                meteredScope, startedAt, embodiedGPerGpuHour);
        if (meteredKwh != null && meteredScope == null) {
            meteredScope = MeteredScope.FACILITY;
        }
    }

    /** Without a provider, and with metered kWh (if any) taken as facility energy. */
    public OneOffRun(String runId, RunKind kind, double gpuHours, double avgPowerWPerGpu, Double pue,
                     double overheadFactor, Double meteredKwh, String region, Instant startedAt,
                     Double embodiedGPerGpuHour) {
        this(runId, kind, gpuHours, avgPowerWPerGpu, pue, overheadFactor, meteredKwh, null, region, null, startedAt,
                embodiedGPerGpuHour);
    }

    /** A run estimated from GPU count, hours and average power. */
    public static OneOffRun estimated(String runId, RunKind kind, int gpus, double hours, double avgPowerWPerGpu,
                                      Double pue, String region, Instant startedAt) {
        return new OneOffRun(runId, kind, gpus * hours, avgPowerWPerGpu, pue, 1.0, null, region, startedAt, null);
    }

    /** A run with metered facility energy. */
    public static OneOffRun metered(String runId, RunKind kind, double kwh, String region, Instant startedAt) {
        return metered(runId, kind, kwh, MeteredScope.FACILITY, region, null, startedAt);
    }

    /** A run with metered energy of the given scope; IT-metered kWh gets the provider's or region's PUE. */
    public static OneOffRun metered(String runId, RunKind kind, double kwh, MeteredScope scope, String region,
                                    String provider, Instant startedAt) {
        return new OneOffRun(runId, kind, 0, 0, null, 1.0, kwh, scope, region, provider, startedAt, null);
    }

    public OneOffRun withOverheadFactor(double factor) {
        return new OneOffRun(runId, kind, gpuHours, avgPowerWPerGpu, pue, factor, meteredKwh, meteredScope, region,
                provider, startedAt, embodiedGPerGpuHour);
    }

    public OneOffRun withEmbodied(double gPerGpuHour) {
        return new OneOffRun(runId, kind, gpuHours, avgPowerWPerGpu, pue, overheadFactor, meteredKwh, meteredScope,
                region, provider, startedAt, gPerGpuHour);
    }

    public OneOffRun withProvider(String cloud) {
        return new OneOffRun(runId, kind, gpuHours, avgPowerWPerGpu, pue, overheadFactor, meteredKwh, meteredScope,
                region, cloud, startedAt, embodiedGPerGpuHour);
    }
}
