package io.carbonllm.payback.methodology.footprint;

import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorRow;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-off footprint: facility energy and CO2e, location- and market-based, with the weakest evidence tier of its
 * parts, every source used (as text), and the PUE and grid rows used (structured).
 *
 * @param factorRows     the distinct PUE and grid rows the figure used, in the order first used; no PUE row for
 *                       facility-metered energy, which needs none
 * @param marketFallback true when any part's market-based figure fell back to the location-based one (no market-based
 *                       figure configured), so {@code kgCo2eMarket} is partly or wholly location-based
 */
public record Footprint(double kwh, double kgCo2eLocation, double kgCo2eMarket, EvidenceTier tier,
                        List<String> sources, List<FactorRow> factorRows, boolean marketFallback) {

    public static final Footprint NONE = new Footprint(0, 0, 0, EvidenceTier.METERED, List.of());

    public Footprint {
        sources = List.copyOf(sources);
        factorRows = List.copyOf(factorRows);
    }

    /** Without factor rows: for figures not computed from the factor tables (for example in tests). */
    public Footprint(double kwh, double kgCo2eLocation, double kgCo2eMarket, EvidenceTier tier, List<String> sources) {
        this(kwh, kgCo2eLocation, kgCo2eMarket, tier, sources, List.of(), false);
    }

    /** Several runs add up: the search and the failed attempts count, not only the final run. */
    public Footprint plus(Footprint other) {
        List<String> all = new ArrayList<>(sources);
        other.sources.stream().filter(s -> !all.contains(s)).forEach(all::add);
        List<FactorRow> rows = new ArrayList<>(factorRows);
        other.factorRows.stream().filter(r -> !rows.contains(r)).forEach(rows::add);
        return new Footprint(kwh + other.kwh, kgCo2eLocation + other.kgCo2eLocation,
                kgCo2eMarket + other.kgCo2eMarket, sources.isEmpty() ? other.tier : tier.weakest(other.tier), all,
                rows, marketFallback || other.marketFallback);
    }
}
