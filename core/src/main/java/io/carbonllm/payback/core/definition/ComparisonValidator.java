package io.carbonllm.payback.core.definition;

import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks every comparison definition passes, wherever it comes from: {@code ./payback comparison put} before
 * publishing, and the streams app where it reads the comparisons topic. Each problem names the field and the value.
 */
public final class ComparisonValidator {

    private ComparisonValidator() {
    }

    /** The problems with {@code def}; empty when it is valid. */
    public static List<String> problems(ComparisonDefinition def) {
        List<String> problems = new ArrayList<>();
        text(problems, "comparisonId", def.getComparisonId());
        text(problems, "useCase", def.getUseCase());
        text(problems, "baselineModel", def.getBaselineModel());
        if (def.getCandidates() == null || def.getCandidates().isEmpty()) {
            problems.add("candidates is empty: a comparison needs at least one candidate");
        } else {
            Set<String> ids = new HashSet<>();
            Map<String, String> models = new HashMap<>();
            for (CandidateDefinition c : def.getCandidates()) {
                candidate(problems, def, c, ids);
                // Traffic is windowed per (use case, model): two candidates on one model would be the same variant
                String other = c.getModelId() == null ? null : models.putIfAbsent(c.getModelId(), c.getCandidateId());
                if (other != null) {
                    problems.add("candidates " + other + " and " + c.getCandidateId() + " both use model '"
                            + c.getModelId() + "': a variant is its model id, so each candidate needs its own");
                }
            }
        }
        rate(problems, "minSuccessRate", def.getMinSuccessRate());
        rate(problems, "maxSuccessRateDrop", def.getMaxSuccessRateDrop());
        range(problems, "fireAfterWindows", def.getFireAfterWindows(), 1, LedgerLimits.MAX_STREAK_WINDOWS);
        range(problems, "resolveAfterWindows", def.getResolveAfterWindows(), 1, LedgerLimits.MAX_STREAK_WINDOWS);
        range(problems, "savingRateLookbackWindows", def.getSavingRateLookbackWindows(), 1, LedgerLimits.MAX_LOOKBACK_WINDOWS);
        if (def.getMinBaselineTasks() < 1) {
            problems.add("minBaselineTasks must be at least 1, got " + def.getMinBaselineTasks());
        }
        if (def.getHorizonSuccessfulTasks() != null && def.getHorizonSuccessfulTasks() < 1) {
            problems.add("horizonSuccessfulTasks must be at least 1, got " + def.getHorizonSuccessfulTasks());
        }
        Double pinnedWh = def.getPinnedBaselineWhPerSuccessfulTask();
        if (pinnedWh != null && !(pinnedWh >= 0 && Double.isFinite(pinnedWh))) {
            problems.add("pinnedBaselineWhPerSuccessfulTask must be a finite number >= 0, got " + pinnedWh);
        }
        rate(problems, "pinnedBaselineSuccessRate", def.getPinnedBaselineSuccessRate());
        if (pinnedWh == null && def.getPinnedBaselineSuccessRate() != null) {
            problems.add("pinnedBaselineSuccessRate is given without pinnedBaselineWhPerSuccessfulTask");
        }
        if (pinnedWh != null && def.getMaxSuccessRateDrop() != null && def.getPinnedBaselineSuccessRate() == null) {
            problems.add("maxSuccessRateDrop needs pinnedBaselineSuccessRate when the baseline is pinned: without it the "
                    + "quality bar could not be evaluated in windows that use the pinned reference");
        }
        try {
            Basis.parse(def.getBasis());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        ownership(problems, "baselineOwnership", def.getBaselineOwnership());
        return problems;
    }

    private static void ownership(List<String> problems, String field, String value) {
        if (value != null) {
            try {
                Ownership.parse(value);
            } catch (IllegalArgumentException e) {
                problems.add(field + e.getMessage().substring("ownership".length()));
            }
        }
    }

    /** Throws {@link IllegalArgumentException} naming every problem; returns the definition when it is valid. */
    public static ComparisonDefinition requireValid(ComparisonDefinition def) {
        List<String> problems = problems(def);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid comparison " + def.getComparisonId() + ": " + String.join("; ", problems));
        }
        return def;
    }

    private static void candidate(List<String> problems, ComparisonDefinition def, CandidateDefinition c, Set<String> ids) {
        String id = c.getCandidateId();
        text(problems, "candidateId", id);
        if (id != null && !ids.add(id)) {
            problems.add("candidateId '" + id + "' appears twice");
        }
        text(problems, "candidate " + id + " modelId", c.getModelId());
        if (c.getModelId() != null && c.getModelId().equals(def.getBaselineModel())) {
            problems.add("candidate " + id + " modelId '" + c.getModelId() + "' is the baseline model: a variant is its model id");
        }
        try {
            CandidateKind.parse(c.getKind());
        } catch (IllegalArgumentException e) {
            problems.add("candidate " + id + " " + e.getMessage());
        }
        Double retrieval = c.getRetrievalWhPerRequest();
        if (retrieval != null && !(retrieval >= 0 && Double.isFinite(retrieval))) {
            problems.add("candidate " + id + " retrievalWhPerRequest must be a finite number >= 0, got " + retrieval);
        }
        for (String run : c.getRunIds()) {
            if (run == null || run.isBlank()) {
                problems.add("candidate " + id + " runIds has an empty run id");
            }
        }
        ownership(problems, "candidate " + id + " ownership", c.getOwnership());
    }

    private static void text(List<String> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(field + " is empty");
        }
    }

    private static void rate(List<String> problems, String field, Double value) {
        if (value != null && !(value >= 0 && value <= 1)) {
            problems.add(field + " must be in [0, 1], got " + value);
        }
    }

    private static void range(List<String> problems, String field, int value, int min, int max) {
        if (value < min || value > max) {
            problems.add(field + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
