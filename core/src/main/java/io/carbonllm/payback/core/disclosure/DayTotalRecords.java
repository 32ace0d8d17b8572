package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.core.evidence.FactorRows;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.methodology.facility.FactorRow;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records of the {@code period-totals} and {@code period-restatements} topics: a {@link PeriodTotal} with the
 * figures that derive from it written out (so a reader needs none of this code), and back. The parts are the truth;
 * the written figures are what they give.
 */
public final class DayTotalRecords {

    private DayTotalRecords() {
    }

    /**
     * The record of {@code total}.
     *
     * @param variant       "baseline" or the candidate id (inference), or the candidate a run is charged to
     * @param sourceVersion the run's version (a run), else null
     * @param writtenAt     the stream time it is written at
     */
    public static DayTotal toAvro(PeriodTotal total, String useCase, String variant, String sourceVersion,
                                  Instant writtenAt) {
        Map<String, Double> parts = new TreeMap<>();
        total.parts().forEach((part, wh) -> parts.merge(part.key(), wh, Double::sum));
        TierMix mix = total.tierMix();
        List<io.carbonllm.payback.events.FactorRow> rows = new ArrayList<>();
        total.factorRows().forEach(row -> rows.add(FactorRows.toAvro(row, null)));
        return DayTotal.newBuilder()
                .setPeriodKey(total.key())
                .setComparisonId(total.comparisonId())
                .setUseCase(useCase)
                .setKind(total.kind().name())
                .setVariant(variant)
                .setSubject(total.subject())
                .setDay(total.day().toString())
                .setVersion(total.version())
                .setOwnership(total.ownership() == null ? null : total.ownership().name().toLowerCase(Locale.ROOT))
                .setEnergyParts(new HashMap<>(parts))
                .setUnresolvedItWh(total.unresolvedItWh())
                .setFacilityWh(total.facilityWh())
                .setGCo2eLocation(total.gCo2eLocation())
                .setGCo2eMarket(total.gCo2eMarket())
                .setMarketFallbackWh(total.marketFallbackWh())
                .setGCo2eLocationByScope(byName(total.gCo2eLocationByScope()))
                .setGCo2eMarketByScope(byName(total.gCo2eMarketByScope()))
                .setGCo2eEmbodied(total.gCo2eEmbodied())
                .setEmbodiedScope(total.gCo2eEmbodied() > 0 && total.embodiedScope() != null
                        ? total.embodiedScope().name() : null)
                .setMeteredWh(mix.meteredWh())
                .setBenchmarkedWh(mix.benchmarkedWh())
                .setEstimatedWh(mix.estimatedWh())
                .setRequests(total.requests())
                .setCoveredRequests(total.coveredRequests())
                .setSourceVersion(sourceVersion)
                .setFactorRows(rows)
                .setWrittenAt(writtenAt)
                .build();
    }

    /** The total a record holds, its parts resolved to the rows it names; an error naming a part whose row it lacks. */
    public static PeriodTotal fromAvro(DayTotal record) {
        Map<String, FactorRow> rows = new HashMap<>();
        record.getFactorRows().forEach(row -> rows.put(row.getId(), FactorRows.fromAvro(row)));
        PeriodTotal total = new PeriodTotal(record.getComparisonId(),
                PeriodTotal.SubjectKind.valueOf(record.getKind()), record.getSubject(), LocalDate.parse(record.getDay()),
                record.getOwnership() == null ? null : Ownership.parse(record.getOwnership()), Map.of(),
                record.getUnresolvedItWh(), record.getGCo2eEmbodied(), record.getRequests(),
                record.getCoveredRequests(), record.getVersion());
        for (Map.Entry<String, Double> entry : new TreeMap<>(record.getEnergyParts()).entrySet()) {
            EnergyPart.KeyFields fields = EnergyPart.parseKey(entry.getKey());
            FactorRow grid = row(rows, fields.gridRowId(), record);
            FactorRow pue = fields.pueRowId() == null ? null : row(rows, fields.pueRowId(), record);
            total = total.plus(new EnergyPart(fields.tier(), fields.provider(), pue, grid), entry.getValue());
        }
        return total;
    }

    /** The record of a restatement, both totals in full. */
    public static PeriodRestatement toAvro(Restatement restatement, DayTotal before, String sourceVersionAfter) {
        DayTotal after = toAvro(restatement.after(), before.getUseCase(), before.getVariant(), sourceVersionAfter,
                restatement.restatedAt());
        return PeriodRestatement.newBuilder()
                .setPeriodKey(restatement.before().key())
                .setBefore(before)
                .setAfter(after)
                .setReason(restatement.reason())
                .setCause(restatement.cause())
                .setRestatedAt(restatement.restatedAt())
                .build();
    }

    private static FactorRow row(Map<String, FactorRow> rows, String id, DayTotal record) {
        FactorRow row = rows.get(id);
        if (row == null) {
            throw new IllegalArgumentException("day total " + record.getPeriodKey() + ": a part names factor row " + id
                    + ", which its factorRows do not hold");
        }
        return row;
    }

    private static <E extends Enum<E>> Map<String, Double> byName(Map<E, Double> byEnum) {
        Map<String, Double> named = new HashMap<>();
        byEnum.forEach((k, v) -> named.put(k.name(), v));
        return named;
    }
}
