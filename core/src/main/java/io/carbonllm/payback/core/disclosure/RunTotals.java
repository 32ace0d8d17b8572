package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.facility.FactorRow;
import io.carbonllm.payback.methodology.footprint.Footprint;
import io.carbonllm.payback.methodology.footprint.OneOffRun;

/**
 * A one-off run's day total: the run's whole footprint counts in the UTC day it started, as one energy part (its tier,
 * its provider, the PUE row and the grid row its footprint used), with its embodied emissions and its ownership.
 */
public final class RunTotals {

    private RunTotals() {
    }

    /**
     * The total of {@code run} charged to {@code comparisonId}, from its footprint as priced now.
     *
     * @param footprint the run's footprint ({@code FootprintCalculator.of}): its facility kWh and the rows it used
     */
    public static PeriodTotal of(String comparisonId, TrainingRun run, Footprint footprint) {
        OneOffRun oneOff = TrainingRuns.toOneOffRun(run);
        FactorRow grid = null;
        FactorRow pue = null;
        for (FactorRow row : footprint.factorRows()) {
            if (row.kind() == FactorRow.Kind.GRID) {
                grid = row;
            } else {
                pue = row;
            }
        }
        if (grid == null) {
            throw new IllegalArgumentException("run " + run.getRunId() + ": its footprint names no grid row");
        }
        double facilityWh = footprint.kwh() * 1000.0;
        double baseWh = pue == null ? facilityWh : facilityWh / pue.value();
        double embodied = oneOff.embodiedGPerGpuHour() == null ? 0 : oneOff.embodiedGPerGpuHour() * oneOff.gpuHours();
        PeriodTotal total = PeriodTotal.empty(comparisonId, PeriodTotal.SubjectKind.ONE_OFF_RUN, run.getRunId(),
                DayTotals.dayOf(run.getStartedAt()), TrainingRuns.ownership(run));
        if (baseWh > 0) {
            total = total.plus(new EnergyPart(footprint.tier(), run.getProvider(), pue, grid), baseWh);
        }
        return embodied > 0 ? total.plusEmbodied(embodied) : total;
    }
}
