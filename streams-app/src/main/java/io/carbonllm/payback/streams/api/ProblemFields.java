package io.carbonllm.payback.streams.api;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.TrainingRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * Names the body field each problem of the shared validators ({@code ComparisonValidator}, {@code TrainingRuns}) is
 * about. Their messages start with the field's Avro name ("minSuccessRate must be in [0, 1], got 1.5"), or with
 * "candidate ID" and the candidate's field; this turns that into a path in the request body
 * ({@code candidates[1].retrievalWhPerRequest}). The messages themselves are passed on unchanged.
 */
final class ProblemFields {

    private static final Pattern CANDIDATE = Pattern.compile("^candidate (\\S+) (?:candidate )?(\\w+)\\b");
    private static final Pattern FIRST_WORD = Pattern.compile("^(\\w+)\\b");
    private static final Set<String> COMPARISON_FIELDS = names(ComparisonDefinition.getClassSchema());
    private static final Set<String> CANDIDATE_FIELDS = names(CandidateDefinition.getClassSchema());
    private static final Set<String> RUN_FIELDS = names(TrainingRun.getClassSchema());

    private ProblemFields() {
    }

    static List<ApiException.Problem> ofComparison(ComparisonDefinition def, List<String> problems) {
        List<ApiException.Problem> named = new ArrayList<>();
        for (String problem : problems) {
            named.add(new ApiException.Problem(comparisonField(def, problem), problem));
        }
        return named;
    }

    static String comparisonField(ComparisonDefinition def, String problem) {
        Matcher candidate = CANDIDATE.matcher(problem);
        if (candidate.find() && CANDIDATE_FIELDS.contains(candidate.group(2))) {
            return "candidates[" + indexOf(def, candidate.group(1)) + "]." + candidate.group(2);
        }
        Matcher first = FIRST_WORD.matcher(problem);
        if (first.find()) {
            String word = first.group(1);
            if (COMPARISON_FIELDS.contains(word)) {
                return word;
            }
            if (word.equals("candidateId")) {
                // "candidateId 'x' appears twice" names its second holder; "candidateId is empty" the first empty one
                return "candidates[" + duplicateOrEmpty(def) + "].candidateId";
            }
        }
        return null;
    }

    static List<ApiException.Problem> ofRun(List<String> problems) {
        List<ApiException.Problem> named = new ArrayList<>();
        for (String problem : problems) {
            named.add(new ApiException.Problem(runField(problem), problem));
        }
        return named;
    }

    static String runField(String problem) {
        Matcher first = FIRST_WORD.matcher(problem);
        if (!first.find()) {
            return null;
        }
        String word = first.group(1);
        if (RUN_FIELDS.contains(word)) {
            return word;
        }
        if (word.equals("gpuHours")) {
            return "hours"; // gpuCount x hours, whose own checks name gpuCount
        }
        if (problem.startsWith("a run needs meteredKwh")) {
            return "meteredKwh";
        }
        return null;
    }

    private static int indexOf(ComparisonDefinition def, String candidateId) {
        List<CandidateDefinition> candidates = def.getCandidates();
        for (int i = 0; i < candidates.size(); i++) {
            if (candidateId.equals(candidates.get(i).getCandidateId())) {
                return i;
            }
        }
        return 0;
    }

    private static int duplicateOrEmpty(ComparisonDefinition def) {
        List<CandidateDefinition> candidates = def.getCandidates();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < candidates.size(); i++) {
            String id = candidates.get(i).getCandidateId();
            if (id == null || id.isBlank() || !seen.add(id)) {
                return i;
            }
        }
        return 0;
    }

    private static Set<String> names(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).collect(Collectors.toUnmodifiableSet());
    }
}
