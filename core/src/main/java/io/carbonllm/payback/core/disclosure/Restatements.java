package io.carbonllm.payback.core.disclosure;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The restatement policy (docs/methodology.md, "Disclosure"): a closed period's total is never changed in place. When
 * a factor is corrected, or a run is corrected after its period closed, the period is computed again, and any change
 * in a figure is a {@link Restatement}, however small; no change, no record. A period is restated from its latest
 * version, so successive corrections chain.
 */
public final class Restatements {

    /** Figures that differ by less than this (relative) are the same figure computed in another order. */
    private static final double SAME = 1e-9;

    private Restatements() {
    }

    /**
     * The restatement of {@code written} by {@code recomputed} (the same period computed again), if any figure
     * differs: facility energy, either CO2e, embodied CO2e, the tier mix, the market fallback or the counts.
     */
    public static Optional<Restatement> of(PeriodTotal written, PeriodTotal recomputed, String reason, String cause,
                                           Instant restatedAt) {
        if (sameFigures(written, recomputed)) {
            return Optional.empty();
        }
        return Optional.of(new Restatement(written, recomputed.asVersion(written.version() + 1), reason, cause,
                restatedAt));
    }

    /**
     * The restatement a factor correction makes of a closed period, if the period used the replaced row on or after
     * the replacement's effective date (a row published later for a past date applies from its date, never before).
     */
    public static Optional<Restatement> forFactor(PeriodTotal written, FactorCorrection correction,
                                                  Instant restatedAt) {
        if (!written.uses(correction.replaced())) {
            return Optional.empty();
        }
        if (written.day().isBefore(correction.replacement().effectiveFrom().atOffset(ZoneOffset.UTC).toLocalDate())) {
            return Optional.empty();
        }
        return of(written, written.corrected(correction), correction.reason(),
                correction.replaced().id() + " -> " + correction.replacement().id(), restatedAt);
    }

    /**
     * The restatement the factor table's current rows make of a closed period ({@link FactorCorrections}), if any
     * figure changes: every replaced row at once, with each reason and each replacement named.
     */
    public static Optional<Restatement> forFactors(PeriodTotal written, List<FactorCorrection> corrections,
                                                   Instant restatedAt) {
        if (corrections.isEmpty()) {
            return Optional.empty();
        }
        String reason = corrections.stream().map(FactorCorrection::reason).distinct()
                .collect(Collectors.joining("; "));
        String cause = corrections.stream().map(c -> c.replaced().id() + " -> " + c.replacement().id()
                        + (c.replaced().id().equals(c.replacement().id()) ? " (" + changed(c) + ")" : ""))
                .collect(Collectors.joining("; "));
        return of(written, FactorCorrections.apply(written, corrections), reason, cause, restatedAt);
    }

    /** What a same-id correction changed: the value, the market-based value, the instrument or the source. */
    private static String changed(FactorCorrection c) {
        List<String> what = new ArrayList<>();
        if (c.replaced().value() != c.replacement().value()) {
            what.add("value " + c.replaced().value() + " -> " + c.replacement().value());
        }
        if (!Objects.equals(c.replaced().marketValue(), c.replacement().marketValue())) {
            what.add("market-based value " + c.replaced().marketValue() + " -> " + c.replacement().marketValue());
        }
        if (c.replaced().marketInstrument() != c.replacement().marketInstrument()) {
            what.add("instrument " + c.replaced().marketInstrument() + " -> " + c.replacement().marketInstrument());
        }
        if (what.isEmpty()) {
            what.add("source " + c.replaced().source() + " -> " + c.replacement().source());
        }
        return String.join(", ", what);
    }

    private static boolean sameFigures(PeriodTotal a, PeriodTotal b) {
        TierMix ma = a.tierMix();
        TierMix mb = b.tierMix();
        return a.ownership() == b.ownership() && a.requests() == b.requests()
                && a.coveredRequests() == b.coveredRequests()
                && same(a.facilityWh(), b.facilityWh()) && same(a.gCo2eLocation(), b.gCo2eLocation())
                && same(a.gCo2eMarket(), b.gCo2eMarket()) && same(a.gCo2eEmbodied(), b.gCo2eEmbodied())
                && same(a.unresolvedItWh(), b.unresolvedItWh())
                && same(a.marketFallbackWh(), b.marketFallbackWh()) && same(ma.meteredWh(), mb.meteredWh())
                && same(ma.benchmarkedWh(), mb.benchmarkedWh()) && same(ma.estimatedWh(), mb.estimatedWh())
                && Set.copyOf(a.factorRows()).equals(Set.copyOf(b.factorRows()));
    }

    private static boolean same(double x, double y) {
        return Math.abs(x - y) <= SAME * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
    }
}
