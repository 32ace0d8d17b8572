package io.carbonllm.payback.core.engine;

import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.footprint.FootprintCalculator;

/** The factor table in use (shipped, file and factors-topic rows) and the footprint calculator over it. */
public record Pricing(FactorTable factors, FootprintCalculator footprints) {

    public static Pricing of(FactorTable factors) {
        return new Pricing(factors, new FootprintCalculator(factors));
    }
}
