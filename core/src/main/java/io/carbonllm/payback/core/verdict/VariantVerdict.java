package io.carbonllm.payback.core.verdict;

import io.carbonllm.payback.core.definition.CandidateKind;
import io.carbonllm.payback.methodology.EvidenceTier;

/**
 * One variant's line in a {@link Verdict}, over the horizon, in the comparison's basis (facility Wh, or gCO2e).
 *
 * @param candidateId        the candidate's id; null for the baseline
 * @param modelId            the model its requests carry
 * @param kind               what the candidate changes; null for the baseline
 * @param footprint          its one-off footprint; zero for the baseline
 * @param footprintComplete  false when runs charged to it are missing or invalid: the footprint is a lower bound
 * @param source             where its figure per successful task comes from
 * @param perSuccessfulTask  its recent energy (or CO2e) per successful task: all its energy in the recent closed
 *                           windows, failed tasks included, over its successful tasks; null without a figure
 * @param windows            the recent closed windows its figure rests on
 * @param successfulTasks    its own successful tasks in the recent closed windows
 * @param successRate        its success rate in the recent closed windows (the reference's, for a baseline on its
 *                           reference); null with no task
 * @param meetsQualityBar    whether it meets the comparison's quality bar; true with no bar; null when the bar cannot
 *                           be evaluated (no task, or only a drop is set and the baseline has no success rate)
 * @param qualityNote        why it fails the bar, or why the bar could not be evaluated, or that none is set
 * @param projectedInference {@code perSuccessfulTask x successfulTasksToHorizon}; null when either is unknown
 * @param total              {@code footprint + projectedInference}; null when the projection is
 * @param tier               the weakest evidence tier of its figure and its footprint; null without either
 * @param energyCoverage     the lowest share of its requests with an energy figure, among the windows it rests on;
 *                           null for a reference or without a figure
 */
public record VariantVerdict(String candidateId, String modelId, CandidateKind kind, double footprint,
                             boolean footprintComplete, FigureSource source, Double perSuccessfulTask, int windows,
                             long successfulTasks, Double successRate, Boolean meetsQualityBar, String qualityNote,
                             Double projectedInference, Double total, EvidenceTier tier, Double energyCoverage) {

    public boolean isBaseline() {
        return candidateId == null;
    }

    /** Whether it can win: it has a total, and it is not known to fall below the quality bar. */
    public boolean qualifies() {
        return total != null && !Boolean.FALSE.equals(meetsQualityBar);
    }

    /**
     * How the dashboard names it: "the baseline (llama-3.1-70b)", "ft (fine-tune)", and the kind alone when the id only
     * repeats it: "RAG" for a RAG candidate called "rag", not "rag (RAG)".
     */
    public String label() {
        if (isBaseline()) {
            return "the baseline (" + modelId + ")";
        }
        if (kind == null) {
            return candidateId;
        }
        String kindWord = switch (kind) {
            case FINE_TUNE -> "fine-tune";
            case RAG -> "RAG";
            case PROMPT -> "prompt";
            case OTHER -> "other";
        };
        return candidateId.equalsIgnoreCase(kindWord) ? kindWord : candidateId + " (" + kindWord + ")";
    }

    /** Where a variant's figure per successful task comes from. */
    public enum FigureSource {
        /** Its own traffic in the recent closed windows: all its energy over its successful tasks. */
        OWN_WINDOWS,
        /**
         * The baseline only, when it had fewer than {@code minBaselineTasks} successful tasks of its own in the recent
         * windows: the trailing reference its candidates were compared with (past windows that had enough tasks).
         */
        TRAILING_REFERENCE,
        /** As above, from the definition's pinned figure (a stated input, {@code ESTIMATED}). */
        PINNED_REFERENCE,
        /** No figure: no successful task with an energy figure in the recent closed windows. */
        NONE
    }
}
