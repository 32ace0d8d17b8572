package io.carbonllm.payback.methodology.footprint;

import io.carbonllm.payback.methodology.EvidenceTier;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-off footprint: facility energy and CO2e, location- and market-based, with the weakest evidence tier of its
 * parts and every source used.
 */
public record Footprint(double kwh, double kgCo2eLocation, double kgCo2eMarket, EvidenceTier tier,
                        List<String> sources) {

    public static final Footprint NONE = new Footprint(0, 0, 0, EvidenceTier.METERED, List.of());

    public Footprint {
        sources = List.copyOf(sources);
    }

    /** Several runs add up: the search and the failed attempts count, not only the final run. */
    public Footprint plus(Footprint other) {
        List<String> all = new ArrayList<>(sources);
        other.sources.stream().filter(s -> !all.contains(s)).forEach(all::add);
        return new Footprint(kwh + other.kwh, kgCo2eLocation + other.kgCo2eLocation,
                kgCo2eMarket + other.kgCo2eMarket, sources.isEmpty() ? other.tier : tier.weakest(other.tier), all);
    }
}
