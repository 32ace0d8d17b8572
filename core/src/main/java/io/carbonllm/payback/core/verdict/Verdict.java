package io.carbonllm.payback.core.verdict;

import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.ledger.Projection;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Locale;

/**
 * The answer to the seed's decision rule for one comparison: the winning architecture is the one with the lowest total
 * (one-off footprint + projected inference) over the horizon among the variants of acceptable quality. Computed by
 * {@link Verdicts#decide}; {@link #summary()} is the sentence the dashboard shows.
 *
 * <p>Not to be confused with a candidate's {@code PaybackStatus}: that asks whether one candidate repays its footprint
 * against the baseline; the verdict ranks every variant, the baseline included, by its total over the horizon.
 *
 * @param comparisonId             the comparison
 * @param basis                    what every figure is counted in ({@link Basis#unit()})
 * @param horizon                  the horizon it totals over
 * @param asOf                     where the projection starts: the end of the latest closed window it rests on; null
 *                                 with none
 * @param windows                  the closed windows it rests on
 * @param successfulTasksPerDay    the use case's recent successful tasks per day, all variants together; null with no
 *                                 window
 * @param successfulTasksToHorizon the successful tasks every variant is judged on: to the horizon end at that rate, or
 *                                 the horizon's task count, whichever comes first; null when it cannot be projected
 * @param variants                 the baseline first, then the candidates in the definition's order
 * @param ranking                  the variants that qualify (a total, and not below the quality bar), lowest total
 *                                 first
 * @param winner                   the lowest total among them; null when there is none ({@link #noWinner} says why)
 * @param margin                   how far ahead of the runner-up the winner is; null without a winner or a runner-up
 * @param tied                     the variants tied for the lowest total, when more than one is (then no winner)
 * @param noWinner                 why there is no winner; null when there is one
 * @param weakestTier              the weakest evidence tier among the ranked variants' figures and footprints
 * @param provisional              whether the evidence is thin (see {@link Verdicts}); always true without a winner
 * @param provisionalReasons       why, one line each; empty when not provisional
 */
public record Verdict(String comparisonId, Basis basis, Projection.Horizon horizon, Instant asOf, WindowSpan windows,
                      Double successfulTasksPerDay, Double successfulTasksToHorizon, List<VariantVerdict> variants,
                      List<VariantVerdict> ranking, VariantVerdict winner, Margin margin, List<VariantVerdict> tied,
                      NoWinner noWinner, EvidenceTier weakestTier, boolean provisional,
                      List<String> provisionalReasons) {

    public Verdict {
        variants = List.copyOf(variants);
        ranking = List.copyOf(ranking);
        tied = List.copyOf(tied);
        provisionalReasons = List.copyOf(provisionalReasons);
    }

    /**
     * The lowest energy coverage among the ranked variants (the share of their requests with an energy figure, in the
     * windows the verdict rests on): beside {@link #weakestTier}, how much of the evidence there is. Null when no
     * ranked variant has one.
     */
    public Double lowestEnergyCoverage() {
        return ranking.stream().map(VariantVerdict::energyCoverage).filter(Objects::nonNull).min(Double::compare)
                .orElse(null);
    }

    /**
     * The closed windows a verdict rests on.
     *
     * @param count how many
     * @param from  the first one's start; null with none
     * @param to    the last one's end; null with none
     */
    public record WindowSpan(int count, Instant from, Instant to) {

        public static final WindowSpan NONE = new WindowSpan(0, null, null);
    }

    /**
     * How far ahead the winner is.
     *
     * @param runnerUp the qualifying variant with the next lowest total
     * @param absolute its total minus the winner's, in the basis's unit
     * @param relative {@code absolute / the runner-up's total}: "41% less"; null when that total is zero
     */
    public record Margin(VariantVerdict runnerUp, double absolute, Double relative) {
    }

    /** Why there is no winner, with the detail the dashboard shows. */
    public record NoWinner(Reason reason, String detail) {
    }

    /** Why there is no winner, checked in this order. */
    public enum Reason {
        /** The comparison has neither a horizon end nor a horizon task count: there is nothing to total over. */
        NO_HORIZON,
        /** No successful task in the recent closed windows: no rate and no figure to project with. */
        NO_RECENT_TRAFFIC,
        /** The horizon end is at or before the end of the latest closed window: nothing is left to project. */
        HORIZON_PASSED,
        /** No variant has an energy figure per successful task (traffic, but no energy coverage). */
        NO_FIGURES,
        /** Variants have totals, but none meets the quality bar. */
        NONE_MEETS_QUALITY_BAR,
        /** Two or more qualifying variants share the lowest total (equal to one part in 10^9). */
        TIE
    }

    /**
     * The one sentence the dashboard shows, naming the unit and the basis, for example "RAG wins: 41% less
     * energy than ft (fine-tune) over the horizon (8.8 kWh against 15 kWh; estimated, 4 windows)". A provisional
     * verdict says why after "provisional:"; one without a winner says why there is none.
     */
    public String summary() {
        String windowCount = windows.count() + (windows.count() == 1 ? " window" : " windows");
        String evidence = tierWord(weakestTier) + ", " + windowCount + provisionalClause();
        if (winner != null && margin != null) {
            return capitalized(winner.label()) + " wins: " + percent(margin.relative()) + " less " + basisWords(basis)
                    + " than " + margin.runnerUp().label() + " over the horizon (" + amount(winner.total(), basis)
                    + " against " + amount(margin.runnerUp().total(), basis) + "; " + evidence + ")";
        }
        if (winner != null) {
            return capitalized(winner.label()) + " wins unopposed: " + amount(winner.total(), basis) + " of "
                    + basisWords(basis) + " over the horizon, and no other variant has a figure that meets the quality"
                    + " bar (" + evidence + ")";
        }
        if (noWinner.reason() == Reason.TIE) {
            return "No winner: " + noWinner.detail() + " (" + tierWord(weakestTier) + ", " + windowCount + ")";
        }
        return "No winner: " + noWinner.detail() + " (" + windowCount + ")";
    }

    private String provisionalClause() {
        if (!provisional) {
            return "";
        }
        int more = provisionalReasons.size() - 1;
        return "; provisional: " + provisionalReasons.get(0) + (more > 0 ? " (and " + more + " more)" : "");
    }

    /** "energy", "location-based CO2e" or "market-based CO2e". */
    static String basisWords(Basis basis) {
        return switch (basis) {
            case ENERGY -> "energy";
            case CO2E_LOCATION -> "location-based CO2e";
            case CO2E_MARKET -> "market-based CO2e";
        };
    }

    /**
     * An amount in the basis's unit, scaled to the largest unit that keeps it at 1 or more, to three significant
     * figures: 15,000 Wh is "15 kWh", 8,800 gCO2e "8.8 kgCO2e", 0.25 Wh "0.25 Wh".
     */
    static String amount(double value, Basis basis) {
        String[] units = basis == Basis.ENERGY ? new String[] {"Wh", "kWh", "MWh", "GWh"}
                : new String[] {"gCO2e", "kgCO2e", "tCO2e", "ktCO2e"};
        int unit = 0;
        double scaled = value;
        while (Math.abs(scaled) >= 1000 && unit < units.length - 1) {
            scaled /= 1000;
            unit++;
        }
        return significant(scaled, 3) + " " + units[unit];
    }

    /** A ratio as a percentage to two significant figures: 0.4133 is "41%", 0.0533 "5.3%". */
    static String percent(Double ratio) {
        return ratio == null ? "?%" : significant(ratio * 100, 2) + "%";
    }

    private static String significant(double value, int digits) {
        if (value == 0 || !Double.isFinite(value)) {
            return value == 0 ? "0" : Double.toString(value);
        }
        return new BigDecimal(value).round(new MathContext(digits, RoundingMode.HALF_UP)).stripTrailingZeros()
                .toPlainString();
    }

    private static String tierWord(EvidenceTier tier) {
        return tier == null ? "evidence unknown" : tier.name().toLowerCase(Locale.ROOT);
    }

    /** "The baseline (...)" at the start of a sentence; a candidate's id is kept as it is spelled. */
    private static String capitalized(String label) {
        return label.startsWith("the ") ? "T" + label.substring(1) : label;
    }
}
