package io.carbonllm.payback.cli;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "comparison",
        mixinStandardHelpOptions = true,
        description = "Defines (or deletes) a comparison: a baseline and its candidates for one use case, published to "
                + "the compacted comparisons topic.",
        subcommands = {ComparisonCommand.Put.class, ComparisonCommand.Delete.class})
final class ComparisonCommand {

    static final Set<String> KINDS = Set.of("FINE_TUNE", "RAG", "PROMPT", "OTHER");

    @Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Publishes a comparison definition; one with the same id is replaced.",
            footer = {"", "Example:", "  ./payback comparison put --id support-ft --use-case support-summarize \\",
                "    --baseline llama-3.1-70b-instruct --candidate ft=llama-3.1-8b-support-ft --candidate-runs ft=ft-search,ft-final \\",
                "    --horizon-days 90 --min-success-rate 0.85"})
    static final class Put implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka = new KafkaOptions();

        @Option(names = "--topic", paramLabel = "TOPIC", description = "(default: ${DEFAULT-VALUE})")
        String topic = TopicNames.COMPARISONS;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The comparison id.")
        String id;

        @Option(names = "--use-case", required = true, paramLabel = "USE_CASE", description = "The use case its events carry.")
        String useCase;

        @Option(names = "--baseline", required = true, paramLabel = "MODEL", description = "The baseline model id.")
        String baseline;

        @Option(names = "--candidate", required = true, paramLabel = "ID=MODEL", description = "A candidate and its model id; repeat for several.")
        Map<String, String> candidates = new LinkedHashMap<>();

        @Option(names = "--candidate-runs", paramLabel = "ID=RUN[,RUN...]", description = "One-off runs (training-runs ids) charged to a candidate.")
        Map<String, String> candidateRuns = new LinkedHashMap<>();

        @Option(names = "--candidate-kind", paramLabel = "ID=KIND", description = "FINE_TUNE (default), RAG, PROMPT or OTHER.")
        Map<String, String> candidateKinds = new LinkedHashMap<>();

        @Option(names = "--candidate-retrieval-wh", paramLabel = "ID=WH", description = "A RAG candidate's retrieval energy per request, when its events do not carry it.")
        Map<String, Double> retrievalWh = new LinkedHashMap<>();

        @Option(names = "--horizon-end", paramLabel = "YYYY-MM-DD", description = "It should have paid back by this date.")
        LocalDate horizonEnd;

        @Option(names = "--horizon-days", paramLabel = "D", description = "Or: the horizon ends this many days from today.")
        Integer horizonDays;

        @Option(names = "--horizon-tasks", paramLabel = "N", description = "Or within this many successful tasks.")
        Long horizonTasks;

        @Option(names = "--min-success-rate", paramLabel = "R", description = "Quality bar: the lowest acceptable candidate success rate, in [0, 1].")
        Double minSuccessRate;

        @Option(names = "--max-success-rate-drop", paramLabel = "D", description = "Quality bar: the largest acceptable drop below the baseline's success rate, in [0, 1].")
        Double maxDrop;

        @Option(names = "--fire-after", paramLabel = "N", description = "Consecutive windows before an alert fires (default: ${DEFAULT-VALUE}).")
        int fireAfter = 3;

        @Option(names = "--resolve-after", paramLabel = "N", description = "Consecutive windows before it resolves (default: ${DEFAULT-VALUE}).")
        int resolveAfter = 2;

        @Option(names = "--min-baseline-tasks", paramLabel = "N", description = "Fewer baseline tasks in a window use the reference (default: ${DEFAULT-VALUE}).")
        long minBaselineTasks = 20;

        @Option(names = "--pinned-baseline-wh", paramLabel = "WH", description = "A pinned baseline Wh per successful task for thin windows (default: the trailing reference).")
        Double pinnedWh;

        @Option(names = "--lookback-windows", paramLabel = "N", description = "Windows the saving rate uses (default: ${DEFAULT-VALUE}).")
        int lookback = 60;

        @Override
        public Integer call() throws Exception {
            validate();
            List<CandidateDefinition> list = new ArrayList<>();
            candidates.forEach((candidateId, model) -> list.add(CandidateDefinition.newBuilder()
                    .setCandidateId(candidateId).setModelId(model)
                    .setKind(candidateKinds.getOrDefault(candidateId, "FINE_TUNE").toUpperCase(java.util.Locale.ROOT))
                    .setRunIds(candidateRuns.containsKey(candidateId) ? List.of(candidateRuns.get(candidateId).split(",")) : List.of())
                    .setRetrievalWhPerRequest(retrievalWh.get(candidateId))
                    .build()));
            LocalDate end = horizonEnd != null ? horizonEnd
                    : horizonDays != null ? LocalDate.now(ZoneOffset.UTC).plusDays(horizonDays) : null;
            ComparisonDefinition definition = ComparisonDefinition.newBuilder()
                    .setComparisonId(id).setUseCase(useCase).setBaselineModel(baseline).setCandidates(list)
                    .setHorizonEnd(end == null ? null : end.atStartOfDay(ZoneOffset.UTC).toInstant())
                    .setHorizonSuccessfulTasks(horizonTasks)
                    .setMinSuccessRate(minSuccessRate).setMaxSuccessRateDrop(maxDrop)
                    .setFireAfterWindows(fireAfter).setResolveAfterWindows(resolveAfter)
                    .setMinBaselineTasks(minBaselineTasks).setPinnedBaselineWhPerSuccessfulTask(pinnedWh)
                    .setSavingRateLookbackWindows(lookback)
                    .build();
            RecordMetadata metadata = DefinitionPublisher.publish(kafka, topic, id, definition);
            spec.commandLine().getOut().printf("published comparison %s (%d candidate(s)) to %s partition %d offset %d%n",
                    id, list.size(), topic, metadata.partition(), metadata.offset());
            return 0;
        }

        private void validate() {
            for (String key : candidateRuns.keySet()) {
                requireCandidate("--candidate-runs", key);
            }
            for (Map.Entry<String, String> kind : candidateKinds.entrySet()) {
                requireCandidate("--candidate-kind", kind.getKey());
                if (!KINDS.contains(kind.getValue().toUpperCase(java.util.Locale.ROOT))) {
                    fail("--candidate-kind " + kind.getKey() + "=" + kind.getValue() + ": the kind must be one of " + KINDS);
                }
            }
            for (Map.Entry<String, Double> wh : retrievalWh.entrySet()) {
                requireCandidate("--candidate-retrieval-wh", wh.getKey());
                if (!(wh.getValue() >= 0)) {
                    fail("--candidate-retrieval-wh " + wh.getKey() + " must be >= 0, got " + wh.getValue());
                }
            }
            if (horizonEnd != null && horizonDays != null) {
                fail("--horizon-end and --horizon-days conflict: give one or the other");
            }
            rate("--min-success-rate", minSuccessRate);
            rate("--max-success-rate-drop", maxDrop);
            if (fireAfter < 1 || resolveAfter < 1) {
                fail("--fire-after and --resolve-after must be at least 1");
            }
            if (minBaselineTasks < 1 || lookback < 1) {
                fail("--min-baseline-tasks and --lookback-windows must be at least 1");
            }
            if (candidates.containsValue(baseline)) {
                fail("--candidate and --baseline name the same model '" + baseline + "': a variant is its model id");
            }
        }

        private void requireCandidate(String flag, String candidateId) {
            if (!candidates.containsKey(candidateId)) {
                fail(flag + " names candidate '" + candidateId + "', which no --candidate declares");
            }
        }

        private void rate(String flag, Double value) {
            if (value != null && !(value >= 0 && value <= 1)) {
                fail(flag + " must be in [0, 1], got " + value);
            }
        }

        private void fail(String message) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes a comparison (a tombstone on the compacted topic).")
    static final class Delete implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka = new KafkaOptions();

        @Option(names = "--topic", paramLabel = "TOPIC", description = "(default: ${DEFAULT-VALUE})")
        String topic = TopicNames.COMPARISONS;

        @Option(names = "--id", required = true, paramLabel = "ID", description = "The comparison id.")
        String id;

        @Override
        public Integer call() throws Exception {
            RecordMetadata metadata = DefinitionPublisher.publish(kafka, topic, id, null);
            spec.commandLine().getOut().printf("deleted comparison %s (tombstone at %s partition %d offset %d)%n", id,
                    topic, metadata.partition(), metadata.offset());
            return 0;
        }
    }
}
