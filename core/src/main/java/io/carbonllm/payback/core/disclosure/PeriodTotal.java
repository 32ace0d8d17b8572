package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorRow;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one subject of one comparison used on one UTC day: a variant's inference (the subject is its model), or a
 * one-off run charged to a candidate (the subject is the run id). Once a day is closed its total is written once and
 * never changed in place; a correction is a {@link Restatement} that names the version it replaces.
 *
 * <p>The energy is kept as parts ({@link EnergyPart}: tier, PUE row, grid row) with the Wh before PUE of each, so
 * that facility energy, both CO2e figures, the tier mix and the market fallback all derive from one set of numbers
 * and can be derived again with a corrected factor.
 *
 * @param ownership      whose hardware, when the definition says (a run always does: its own, or its provider's
 *                       default); null for inference without one, whose parts then take their providers' defaults
 * @param parts          Wh before PUE (IT Wh, or facility Wh where no PUE applies) by part
 * @param unresolvedItWh IT Wh whose factor rows the table no longer holds (a factors-topic row replaced before the day
 *                       was totalled): counted here, never priced or dropped silently
 * @param gCo2eEmbodied  the embodied (manufacturing) gCO2e charged to the day: one-off runs only
 * @param requests       requests counted (inference); 0 for a run
 * @param coveredRequests requests with an energy figure (inference); 0 for a run
 * @param version        1 for the total as first written; a restatement's total has the next
 */
public record PeriodTotal(String comparisonId, SubjectKind kind, String subject, LocalDate day, Ownership ownership,
                          Map<EnergyPart, Double> parts, double unresolvedItWh, double gCo2eEmbodied, long requests,
                          long coveredRequests, int version) {

    /** What a total is of. */
    public enum SubjectKind {
        /** A variant's inference; the subject is its model id. */
        INFERENCE,
        /** A one-off run (a fine-tune, a RAG index build); the subject is its run id. */
        ONE_OFF_RUN
    }

    public PeriodTotal {
        Objects.requireNonNull(comparisonId, "comparisonId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(day, "day");
        parts = Map.copyOf(parts);
        parts.forEach((part, wh) -> {
            if (!Double.isFinite(wh) || wh < 0) {
                throw new IllegalArgumentException("Wh of " + part + " must be a finite number >= 0, got " + wh);
            }
        });
        if (!Double.isFinite(unresolvedItWh) || unresolvedItWh < 0) {
            throw new IllegalArgumentException("unresolvedItWh must be a finite number >= 0, got " + unresolvedItWh);
        }
        if (!Double.isFinite(gCo2eEmbodied) || gCo2eEmbodied < 0) {
            throw new IllegalArgumentException("gCo2eEmbodied must be a finite number >= 0, got " + gCo2eEmbodied);
        }
        if (gCo2eEmbodied > 0 && ownership == null) {
            throw new IllegalArgumentException("embodied emissions need the total's ownership, to place them in a scope");
        }
        if (requests < 0 || coveredRequests < 0 || coveredRequests > requests) {
            throw new IllegalArgumentException("requests and coveredRequests must satisfy 0 <= covered <= requests, got "
                    + coveredRequests + " of " + requests);
        }
        if (version < 1) {
            throw new IllegalArgumentException("version starts at 1, got " + version);
        }
    }

    /** An empty first version, to add to. */
    public static PeriodTotal empty(String comparisonId, SubjectKind kind, String subject, LocalDate day,
                                    Ownership ownership) {
        return new PeriodTotal(comparisonId, kind, subject, day, ownership, Map.of(), 0, 0, 0, 0, 1);
    }

    /**
     * The compacted topic's key: {@code <length>:comparisonId/kind/<length>:subject/day}, unambiguous whatever the ids
     * hold (model ids often hold a slash: {@code meta-llama/Llama-3.1-8B}).
     */
    public String key() {
        return comparisonId.length() + ":" + comparisonId + "/" + kind + "/" + subject.length() + ":" + subject + "/"
                + day;
    }

    /** This total with {@code baseWh} more of {@code part}. */
    public PeriodTotal plus(EnergyPart part, double baseWh) {
        Map<EnergyPart, Double> sum = new LinkedHashMap<>(parts);
        sum.merge(part, baseWh, Double::sum);
        return new PeriodTotal(comparisonId, kind, subject, day, ownership, sum, unresolvedItWh, gCo2eEmbodied,
                requests, coveredRequests, version);
    }

    /** This total with {@code itWh} more IT energy whose factor rows could not be resolved. */
    public PeriodTotal plusUnresolved(double itWh) {
        return new PeriodTotal(comparisonId, kind, subject, day, ownership, parts, unresolvedItWh + itWh, gCo2eEmbodied,
                requests, coveredRequests, version);
    }

    /** This total with more requests counted, {@code covered} of them with an energy figure. */
    public PeriodTotal plusRequests(long more, long covered) {
        return new PeriodTotal(comparisonId, kind, subject, day, ownership, parts, unresolvedItWh, gCo2eEmbodied,
                requests + more, coveredRequests + covered, version);
    }

    /** This total with {@code grams} more embodied gCO2e. */
    public PeriodTotal plusEmbodied(double grams) {
        return new PeriodTotal(comparisonId, kind, subject, day, ownership, parts, unresolvedItWh, gCo2eEmbodied + grams,
                requests, coveredRequests, version);
    }

    public double facilityWh() {
        return parts.entrySet().stream().mapToDouble(e -> e.getKey().facilityWh(e.getValue())).sum();
    }

    public double gCo2eLocation() {
        return parts.entrySet().stream().mapToDouble(e -> e.getKey().gCo2eLocation(e.getValue())).sum();
    }

    /**
     * Market-based. A grid row's market-based figure (the organisation's contracts and certificates, or a residual
     * mix) applies only to the electricity the organisation buys, Scope 2; a part in a provider's facility (Scope 3
     * Category 1) and a Scope 2 part whose row has no market-based figure take the location-based figure
     * ({@link #marketFallbackWh}).
     */
    public double gCo2eMarket() {
        return parts.entrySet().stream().mapToDouble(e -> gCo2eMarket(e.getKey(), e.getValue())).sum();
    }

    private double gCo2eMarket(EnergyPart part, double wh) {
        return marketApplies(part) ? part.gCo2eMarket(wh) : part.gCo2eLocation(wh);
    }

    /** Whether the part's market-based figure stands: Scope 2 electricity whose grid row has one. */
    private boolean marketApplies(EnergyPart part) {
        return ownershipOf(part).electricityScope() == GhgScope.SCOPE_2 && !part.grid().marketIsFallback();
    }

    /** The facility Wh whose market-based CO2e is the location-based figure standing in (either reason). */
    public double marketFallbackWh() {
        return parts.entrySet().stream().filter(e -> !marketApplies(e.getKey()))
                .mapToDouble(e -> e.getKey().facilityWh(e.getValue())).sum();
    }

    /** Facility Wh by evidence tier. */
    public TierMix tierMix() {
        TierMix mix = TierMix.NONE;
        for (Map.Entry<EnergyPart, Double> e : parts.entrySet()) {
            mix = mix.plus(TierMix.of(e.getKey().tier(), e.getKey().facilityWh(e.getValue())));
        }
        return mix;
    }

    /** Location-based gCO2e by the tier of the energy behind it (the basis of its uncertainty range). */
    public Map<EvidenceTier, Double> gCo2eLocationByTier() {
        Map<EvidenceTier, Double> byTier = new EnumMap<>(EvidenceTier.class);
        parts.forEach((part, wh) -> byTier.merge(part.tier(), part.gCo2eLocation(wh), Double::sum));
        return byTier;
    }

    /** Market-based gCO2e by the tier of the energy behind it. */
    public Map<EvidenceTier, Double> gCo2eMarketByTier() {
        Map<EvidenceTier, Double> byTier = new EnumMap<>(EvidenceTier.class);
        parts.forEach((part, wh) -> byTier.merge(part.tier(), gCo2eMarket(part, wh), Double::sum));
        return byTier;
    }

    /** The weakest tier of the day's energy. */
    public EvidenceTier tier() {
        return tierMix().weakest();
    }

    /** Covered requests / requests (inference); null with no requests, as for a run. */
    public Double coverage() {
        return requests == 0 ? null : (double) coveredRequests / requests;
    }

    /** The distinct factor rows the figures used: each part's PUE row (if any), then its grid row. */
    public List<FactorRow> factorRows() {
        Set<FactorRow> rows = new LinkedHashSet<>();
        parts.keySet().stream().sorted(Comparator.comparing((EnergyPart p) -> p.grid().id())
                .thenComparing(p -> p.pue() == null ? "" : p.pue().id())
                .thenComparing(p -> p.provider() == null ? "" : p.provider())
                .thenComparing(EnergyPart::tier)).forEach(p -> {
            if (p.pue() != null) {
                rows.add(p.pue());
            }
            rows.add(p.grid());
        });
        return List.copyOf(rows);
    }

    /** Whether any figure used {@code row}. */
    public boolean uses(FactorRow row) {
        return parts.keySet().stream().anyMatch(p -> row.equals(p.grid()) || row.equals(p.pue()));
    }

    /** Whose hardware a part ran on: the total's ownership when given, else the part's provider's default. */
    public Ownership ownershipOf(EnergyPart part) {
        return part.ownership(ownership);
    }

    /** Location-based gCO2e of the electricity, by the scope each part's ownership puts it in. */
    public Map<GhgScope, Double> gCo2eLocationByScope() {
        Map<GhgScope, Double> byScope = new EnumMap<>(GhgScope.class);
        parts.forEach((part, wh) -> byScope.merge(ownershipOf(part).electricityScope(), part.gCo2eLocation(wh),
                Double::sum));
        return byScope;
    }

    /** Market-based gCO2e of the electricity, by scope (Scope 3 parts at their location-based figure). */
    public Map<GhgScope, Double> gCo2eMarketByScope() {
        Map<GhgScope, Double> byScope = new EnumMap<>(GhgScope.class);
        parts.forEach((part, wh) -> byScope.merge(ownershipOf(part).electricityScope(), gCo2eMarket(part, wh),
                Double::sum));
        return byScope;
    }

    /** The scope of the embodied emissions, from the total's ownership; null when it has none given. */
    public GhgScope embodiedScope() {
        return ownership == null ? null : ownership.embodiedScope();
    }

    /** The same period computed with {@code correction}'s row in place of the one it replaces; the same version. */
    public PeriodTotal corrected(FactorCorrection correction) {
        Map<EnergyPart, Double> repriced = new LinkedHashMap<>();
        parts.forEach((part, wh) -> repriced.merge(part.corrected(correction), wh, Double::sum));
        return new PeriodTotal(comparisonId, kind, subject, day, ownership, repriced, unresolvedItWh, gCo2eEmbodied,
                requests, coveredRequests, version);
    }

    /** This total as version {@code next}. */
    PeriodTotal asVersion(int next) {
        return new PeriodTotal(comparisonId, kind, subject, day, ownership, parts, unresolvedItWh, gCo2eEmbodied,
                requests, coveredRequests, next);
    }
}
