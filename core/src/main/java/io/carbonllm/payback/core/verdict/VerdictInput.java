package io.carbonllm.payback.core.verdict;

import io.carbonllm.payback.core.compare.BaselineSource;
import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.definition.CandidateKind;
import io.carbonllm.payback.core.definition.QualityBar;
import io.carbonllm.payback.core.ledger.Amounts;
import io.carbonllm.payback.core.ledger.Projection;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link Verdicts#decide} needs about one comparison, as plain values with no Avro type: the definition's
 * settings, each variant's one-off footprint, and the comparison's windows with each variant's own traffic in them.
 * {@link VerdictInputs#from} builds it from what the stores hold (the {@code ComparisonDefinition}, the candidates'
 * {@code PaybackStatus} and the {@code ComparisonWindow}s), so the HTTP API maps nothing itself; tests build it
 * directly.
 *
 * @param comparisonId     the comparison
 * @param basis            what the totals are counted in: facility Wh, or location- or market-based gCO2e
 * @param horizon          the horizon: an end, a number of successful tasks, both (whichever comes first) or neither
 * @param qualityBar       the bar a variant must meet to win
 * @param minBaselineTasks the definition's {@code minBaselineTasks}: below this many successful tasks in the recent
 *                         windows a variant's figure is thin (and the baseline's own figure gives way to its reference)
 * @param lookbackWindows  the definition's {@code savingRateLookbackWindows}: how many of the latest closed windows
 *                         the verdict rests on, as the ledger's rate does
 * @param baseline         the baseline (no candidate id, no kind, no footprint)
 * @param candidates       the candidates, in the definition's order
 * @param windows          the comparison's windows, in any order; open ones are not counted, and of the closed ones
 *                         only the latest {@code lookbackWindows}
 */
public record VerdictInput(String comparisonId, Basis basis, Projection.Horizon horizon, QualityBar qualityBar,
                           long minBaselineTasks, int lookbackWindows, Variant baseline, List<Variant> candidates,
                           List<Window> windows) {

    public VerdictInput {
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(baseline, "baseline");
        horizon = horizon == null ? Projection.Horizon.NONE : horizon;
        qualityBar = qualityBar == null ? QualityBar.NONE : qualityBar;
        candidates = List.copyOf(candidates);
        windows = List.copyOf(windows);
        if (!baseline.isBaseline()) {
            throw new IllegalArgumentException("the baseline must have no candidate id, got " + baseline.candidateId());
        }
        Set<String> ids = new HashSet<>();
        for (Variant c : candidates) {
            if (c.isBaseline() || !ids.add(c.candidateId())) {
                throw new IllegalArgumentException("candidate ids must be present and unique, got " + c.candidateId());
            }
        }
        if (minBaselineTasks < 1 || lookbackWindows < 1) {
            throw new IllegalArgumentException("minBaselineTasks and lookbackWindows must be at least 1, got "
                    + minBaselineTasks + " and " + lookbackWindows);
        }
    }

    /**
     * A variant: the baseline ({@code candidateId} null) or a candidate.
     *
     * @param candidateId       the candidate's id; null for the baseline
     * @param modelId           the model its requests carry
     * @param kind              what the candidate changes; null for the baseline
     * @param footprint         its one-off footprint in the three bases (facility Wh, gCO2e); zero for the baseline
     * @param footprintComplete false when runs charged to it are not known yet (or invalid): the footprint is then a
     *                          lower bound
     * @param footprintTier     the weakest tier of its runs; null with none
     */
    public record Variant(String candidateId, String modelId, CandidateKind kind, Amounts footprint,
                          boolean footprintComplete, EvidenceTier footprintTier) {

        public Variant {
            Objects.requireNonNull(footprint, "footprint");
        }

        public static Variant baseline(String modelId) {
            return new Variant(null, modelId, null, Amounts.ZERO, true, null);
        }

        public static Variant candidate(String candidateId, String modelId, CandidateKind kind, Amounts footprint,
                                        boolean footprintComplete, EvidenceTier footprintTier) {
            return new Variant(Objects.requireNonNull(candidateId, "candidateId"), modelId, kind, footprint,
                    footprintComplete, footprintTier);
        }

        public boolean isBaseline() {
            return candidateId == null;
        }
    }

    /**
     * One window of the comparison.
     *
     * @param start             its start
     * @param end               its end (exclusive)
     * @param closed            whether its grace has passed: its figures are final
     * @param baseline          the baseline's own traffic in it; null with none
     * @param baselineReference the reference the window's candidates were compared with when the baseline's own window
     *                          was thin; null when the baseline's own window was used, or there was no figure
     * @param candidates        each candidate's own traffic in it, by candidate id; a candidate without traffic is
     *                          absent
     */
    public record Window(Instant start, Instant end, boolean closed, Figures baseline, Reference baselineReference,
                         Map<String, Figures> candidates) {

        public Window {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            candidates = Map.copyOf(candidates);
        }
    }

    /**
     * A variant's own traffic in one window.
     *
     * @param tasks           its tasks (folded by task id)
     * @param successfulTasks those that succeeded
     * @param energy          the energy of all its requests, failed ones included: the covered requests' figures
     *                        scaled to all of them; null without energy coverage
     * @param energyCoverage  the share of its requests with an energy figure; null with no request
     * @param tier            the weakest evidence tier of its energy figures; null when none is covered
     */
    public record Figures(long tasks, long successfulTasks, Amounts energy, Double energyCoverage, EvidenceTier tier) {
    }

    /**
     * The baseline figure a window used when the baseline's own window had too few tasks.
     *
     * @param source             {@link BaselineSource#TRAILING_REFERENCE} or {@link BaselineSource#PINNED_REFERENCE}
     * @param perSuccessfulTask  per successful task, in the three bases, priced at the window
     * @param successRate        the reference's success rate; null when unknown
     * @param tier               its evidence tier (a pinned figure is {@code ESTIMATED})
     */
    public record Reference(BaselineSource source, Amounts perSuccessfulTask, Double successRate, EvidenceTier tier) {

        public Reference {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(perSuccessfulTask, "perSuccessfulTask");
        }
    }
}
