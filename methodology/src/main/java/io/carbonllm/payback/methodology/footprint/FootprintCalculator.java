package io.carbonllm.payback.methodology.footprint;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import io.carbonllm.payback.methodology.facility.ResolvedPue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import io.carbonllm.payback.methodology.Numbers;

/**
 * The footprint of one-off runs. Energy is {@code GPU-hours x average W x overhead x PUE / 1000} kWh, or the metered
 * kWh; CO2e is that energy times the grid intensity of the run's region at the run's time, plus optional embodied
 * emissions per GPU-hour.
 */
public final class FootprintCalculator {

    private final FactorTable factors;

    public FootprintCalculator(FactorTable factors) {
        this.factors = factors;
    }

    public Footprint of(OneOffRun run) {
        return of(run, factors.grid(run.region(), run.startedAt()));
    }

    /** With a grid intensity given directly, e.g. on the command line. */
    public Footprint of(OneOffRun run, ResolvedGrid grid) {
        List<String> sources = new ArrayList<>();
        double kwh;
        EvidenceTier tier;
        if (run.meteredKwh() != null) {
            kwh = run.meteredKwh();
            tier = EvidenceTier.METERED;
            sources.add("run " + run.runId() + ": metered " + Numbers.format(kwh) + " kWh");
        } else {
            ResolvedPue pue = run.pue() != null ? ResolvedPue.given(run.pue(), "as given")
                    : factors.pue(null, run.region(), run.startedAt());
            kwh = run.gpuHours() * run.avgPowerWPerGpu() / 1000.0 * run.overheadFactor() * pue.pue();
            tier = EvidenceTier.ESTIMATED;
            sources.add("run " + run.runId() + ": " + Numbers.format(run.gpuHours()) + " GPU-h x " + Numbers.format(run.avgPowerWPerGpu())
                    + " W x overhead " + Numbers.format(run.overheadFactor()) + " x PUE " + Numbers.format(pue.pue()) + " (" + pue.source() + ")");
        }
        double embodiedKg = run.embodiedGPerGpuHour() == null ? 0 : run.embodiedGPerGpuHour() * run.gpuHours() / 1000.0;
        sources.add("run " + run.runId() + ": grid " + Numbers.format(grid.locationGPerKwh()) + " gCO2e/kWh location-based"
                + (grid.marketIsFallback() ? "" : ", " + Numbers.format(grid.marketGPerKwh()) + " market-based")
                + (grid.worldDefault() ? " (world default: region unknown)" : "") + " (" + grid.source() + ")");
        if (embodiedKg > 0) {
            sources.add("run " + run.runId() + ": embodied " + Numbers.format(run.embodiedGPerGpuHour()) + " gCO2e/GPU-h");
        }
        return new Footprint(kwh, kwh * grid.locationGPerKwh() / 1000.0 + embodiedKg,
                kwh * grid.marketGPerKwh() / 1000.0 + embodiedKg, tier, sources);
    }

    public Footprint total(Collection<OneOffRun> runs) {
        Footprint total = Footprint.NONE;
        for (OneOffRun run : runs) {
            total = total.plus(of(run));
        }
        return total;
    }

}
