package io.carbonllm.payback.cli;

import io.carbonllm.payback.core.ledger.Ledgers;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What publishing {@code next} over {@code current} does to the candidates' ledgers. The rule is the ledger's own,
 * {@link Ledgers#fingerprint}: a candidate kept by the edit (same candidate id) whose baseline model or
 * model changes starts a new epoch, and its figures restart from zero. A new candidate has no figures to lose, and
 * other edits (horizon, quality bars, runs, basis) keep the epoch.
 *
 * @param candidates the ids of the candidates that would start a new epoch, in the order of {@code next}
 * @param changes    what changes, for people: "use case a -> b", "baseline model x -> y", "candidate ft: model a -> b"
 */
record EpochChange(List<String> candidates, List<String> changes) {

    static final EpochChange NONE = new EpochChange(List.of(), List.of());

    EpochChange {
        candidates = List.copyOf(candidates);
        changes = List.copyOf(changes);
    }

    /** {@code current} is null when the comparison does not exist yet (or was deleted). */
    static EpochChange between(ComparisonDefinition current, ComparisonDefinition next) {
        if (current == null) {
            return NONE;
        }
        List<String> affected = new ArrayList<>();
        List<String> modelChanges = new ArrayList<>();
        for (CandidateDefinition candidate : next.getCandidates()) {
            CandidateDefinition before = candidate(current, candidate.getCandidateId());
            if (before == null || Ledgers.fingerprint(current, before).equals(Ledgers.fingerprint(next, candidate))) {
                continue;
            }
            affected.add(candidate.getCandidateId());
            if (!Objects.equals(before.getModelId(), candidate.getModelId())) {
                modelChanges.add("candidate " + candidate.getCandidateId() + ": model " + before.getModelId() + " -> "
                        + candidate.getModelId());
            }
        }
        if (affected.isEmpty()) {
            return NONE;
        }
        List<String> changes = new ArrayList<>();
        if (!Objects.equals(current.getUseCase(), next.getUseCase())) {
            changes.add("use case " + current.getUseCase() + " -> " + next.getUseCase());
        }
        if (!Objects.equals(current.getBaselineModel(), next.getBaselineModel())) {
            changes.add("baseline model " + current.getBaselineModel() + " -> " + next.getBaselineModel());
        }
        changes.addAll(modelChanges);
        return new EpochChange(affected, changes);
    }

    boolean startsNewEpoch() {
        return !candidates.isEmpty();
    }

    private static CandidateDefinition candidate(ComparisonDefinition def, String candidateId) {
        for (CandidateDefinition candidate : def.getCandidates()) {
            if (candidate.getCandidateId().equals(candidateId)) {
                return candidate;
            }
        }
        return null;
    }
}
