package io.carbonllm.payback.methodology.footprint;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.Numbers;
import io.carbonllm.payback.methodology.facility.FactorRow;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.facility.ResolvedGrid;
import io.carbonllm.payback.methodology.facility.ResolvedPue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The footprint of one-off runs. Facility energy is, by what the run says:
 * <ul>
 *   <li>facility-metered kWh, as is (METERED);</li>
 *   <li>IT-metered kWh x PUE (METERED);</li>
 *   <li>{@code GPU-hours x average W x overhead x PUE / 1000} kWh (ESTIMATED).</li>
 * </ul>
 * The PUE is the run's own, else the one inference would use: the provider's, else the region's, else the default,
 * at the run's start. CO2e is that energy times the grid intensity of the run's region at the run's time, plus
 * optional embodied emissions per GPU-hour. The footprint records the PUE and grid rows it used.
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
        List<FactorRow> rows = new ArrayList<>();
        double kwh;
        EvidenceTier tier;
        String prefix = "run " + run.runId() + ": ";
        if (run.meteredKwh() != null && run.meteredScope() == MeteredScope.FACILITY) {
            kwh = run.meteredKwh();
            tier = EvidenceTier.METERED;
            sources.add(prefix + "metered " + Numbers.format(kwh) + " kWh facility energy (PUE included)");
        } else if (run.meteredKwh() != null) {
            // A meter at the servers does not see the cooling: the facility's PUE still applies, as for inference.
            ResolvedPue pue = pueOf(run);
            rows.add(pue.row());
            kwh = run.meteredKwh() * pue.pue();
            tier = EvidenceTier.METERED;
            sources.add(prefix + "metered " + Numbers.format(run.meteredKwh()) + " kWh IT energy x PUE "
                    + Numbers.format(pue.pue()) + " (" + pue.source() + ")");
        } else {
            ResolvedPue pue = pueOf(run);
            rows.add(pue.row());
            kwh = run.gpuHours() * run.avgPowerWPerGpu() / 1000.0 * run.overheadFactor() * pue.pue();
            tier = EvidenceTier.ESTIMATED;
            sources.add(prefix + Numbers.format(run.gpuHours()) + " GPU-h x " + Numbers.format(run.avgPowerWPerGpu())
                    + " W x overhead " + Numbers.format(run.overheadFactor()) + " x PUE " + Numbers.format(pue.pue())
                    + " (" + pue.source() + ")");
        }
        rows.add(grid.row());
        double embodiedKg = run.embodiedGPerGpuHour() == null ? 0 : run.embodiedGPerGpuHour() * run.gpuHours() / 1000.0;
        sources.add(prefix + "grid " + Numbers.format(grid.locationGPerKwh()) + " gCO2e/kWh location-based"
                + (grid.marketIsFallback() ? "" : ", " + Numbers.format(grid.marketGPerKwh()) + " market-based")
                + (grid.worldDefault() ? " (world default: region unknown)" : "") + " (" + grid.source() + ")");
        if (embodiedKg > 0) {
            sources.add(prefix + "embodied " + Numbers.format(run.embodiedGPerGpuHour()) + " gCO2e/GPU-h");
        }
        return new Footprint(kwh, kwh * grid.locationGPerKwh() / 1000.0 + embodiedKg,
                kwh * grid.marketGPerKwh() / 1000.0 + embodiedKg, tier, sources, rows, grid.marketIsFallback());
    }

    public Footprint total(Collection<OneOffRun> runs) {
        Footprint total = Footprint.NONE;
        for (OneOffRun run : runs) {
            total = total.plus(of(run));
        }
        return total;
    }

    /** The run's own PUE, else the provider's, the region's or the default, exactly as inference looks it up. */
    private ResolvedPue pueOf(OneOffRun run) {
        return run.pue() != null ? ResolvedPue.given(run.pue(), "as given")
                : factors.pue(run.provider(), run.region(), run.startedAt());
    }
}
