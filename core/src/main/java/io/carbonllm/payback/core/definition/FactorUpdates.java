package io.carbonllm.payback.core.definition;

import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.methodology.facility.MarketInstrument;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The checks a factors-topic row passes before it joins the factor table. Each problem names the field and value. */
public final class FactorUpdates {

    private static final Set<String> PUE_SCOPES = Set.of("provider", "region", "default");

    private FactorUpdates() {
    }

    public static List<String> problems(FactorUpdate update) {
        List<String> problems = new ArrayList<>();
        String kind = update.getKind() == null ? "" : update.getKind().toUpperCase(Locale.ROOT);
        if (update.getKey() == null || update.getKey().isBlank()) {
            problems.add("key is empty");
        }
        if (update.getSource() == null || update.getSource().isBlank()) {
            problems.add("source is empty: every factor needs one for the audit trail");
        }
        if (update.getEffectiveFrom() != null
                && !update.getEffectiveFrom().equals(update.getEffectiveFrom().truncatedTo(ChronoUnit.DAYS))) {
            problems.add("effectiveFrom must be the start of a UTC day (00:00:00Z): a factor row takes effect from a "
                    + "date, as in the factor files, and is named by it; got " + update.getEffectiveFrom());
        }
        switch (kind) {
            case "GRID" -> {
                if (!(update.getValue() >= 0) || Double.isInfinite(update.getValue())) {
                    problems.add("value (gCO2e/kWh) must be a finite number >= 0, got " + update.getValue());
                }
                Double market = update.getMarketValue();
                if (market != null && (!(market >= 0) || market.isInfinite())) {
                    problems.add("marketValue (gCO2e/kWh) must be a finite number >= 0, got " + market);
                }
                String instrument = update.getMarketInstrument();
                if (instrument != null) {
                    if (market == null) {
                        problems.add("marketInstrument (" + instrument + ") needs a marketValue");
                    }
                    try {
                        MarketInstrument.parse(instrument);
                    } catch (IllegalArgumentException e) {
                        problems.add("marketInstrument " + e.getMessage().replaceFirst("^market instrument ", ""));
                    }
                }
            }
            case "PUE" -> {
                if (update.getMarketInstrument() != null) {
                    problems.add("marketInstrument applies to GRID rows only, got " + update.getMarketInstrument());
                }
                if (!(update.getValue() >= 1) || Double.isInfinite(update.getValue())) {
                    problems.add("value (PUE) must be a finite number >= 1, got " + update.getValue());
                }
                String scope = update.getScope() == null ? "" : update.getScope().toLowerCase(Locale.ROOT);
                if (!PUE_SCOPES.contains(scope)) {
                    problems.add("scope must be one of provider, region, default for a PUE, got " + update.getScope());
                }
            }
            default -> problems.add("kind must be one of GRID, PUE, got " + update.getKind());
        }
        return problems;
    }
}
