package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.methodology.facility.FactorRow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How closed windows become a day's total: a window counts in the UTC day of its start, and adds its energy parts
 * (resolved to the factor rows that priced them) and its request counts. A part whose rows the factor table no longer
 * holds is counted as unresolved IT energy, never priced with another row and never dropped.
 */
public final class DayTotals {

    /** IT Wh the parts fall short of the window's total by more than this (relative) is counted as unresolved. */
    private static final double UNACCOUNTED = 1e-9;

    private DayTotals() {
    }

    /** The UTC day a window counts in: the day of its start (a window never straddles midnight when its size divides a day). */
    public static LocalDate dayOf(Instant windowStart) {
        return windowStart.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    /**
     * {@code total} with one closed window added.
     *
     * @param energyParts IT Wh by part key ({@link EnergyPart#key()}), as a window carries them
     * @param itWh        the window's IT Wh in all: what its parts do not account for (a window stored before windows
     *                    carried parts) is counted as unresolved, so it is neither lost nor priced
     * @param rows        the factor row an id names, as the table holds it now; empty when it holds none
     */
    public static PeriodTotal add(PeriodTotal total, Map<String, Double> energyParts, double itWh, long requests,
                                  long coveredRequests, Function<String, Optional<FactorRow>> rows) {
        PeriodTotal sum = total.plusRequests(requests, coveredRequests);
        double inParts = energyParts.values().stream().mapToDouble(Double::doubleValue).sum();
        if (itWh - inParts > UNACCOUNTED * Math.max(1, itWh)) {
            sum = sum.plusUnresolved(itWh - inParts);
        }
        for (Map.Entry<String, Double> entry : energyParts.entrySet()) {
            EnergyPart.KeyFields fields = EnergyPart.parseKey(entry.getKey());
            Optional<FactorRow> grid = rows.apply(fields.gridRowId());
            Optional<FactorRow> pue = fields.pueRowId() == null ? Optional.empty() : rows.apply(fields.pueRowId());
            if (grid.isEmpty() || (fields.pueRowId() != null && pue.isEmpty())) {
                sum = sum.plusUnresolved(entry.getValue());
                continue;
            }
            sum = sum.plus(new EnergyPart(fields.tier(), fields.provider(), pue.orElse(null), grid.get()),
                    entry.getValue());
        }
        return sum;
    }
}
