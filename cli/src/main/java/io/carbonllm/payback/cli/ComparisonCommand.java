package io.carbonllm.payback.cli;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.core.definition.CandidateKind;
import io.carbonllm.payback.core.definition.ComparisonValidator;
import io.carbonllm.payback.core.definition.LedgerLimits;
import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "comparison",
        mixinStandardHelpOptions = true,
        description = "Defines (or deletes) a comparison: a baseline and its candidates for one use case, published to "
                + "the compacted " + TopicNames.COMPARISONS + " topic.",
        subcommands = {ComparisonCommand.Put.class, ComparisonCommand.Delete.class})
final class ComparisonCommand {

    @Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Publishes a comparison definition; one with the same id is replaced. It is checked as the "
                + "streams app checks it before anything is published.",
                "Changing the baseline model or a candidate's model starts a new ledger epoch for the candidates it "
                + "affects: their figures restart from zero. The command reads the current definition, says what would "
                + "change, and refuses unless --new-epoch is given. The use case cannot change: put a new --id."},
            footer = {"", "Example:", "  ./payback comparison put --id support-ft --use-case support-summarize \\",
                "    --baseline llama-3.1-70b-instruct --candidate ft=llama-3.1-8b-support-ft \\",
                "    --candidate-runs ft=ft-search,ft-final \\",
                "    --horizon-days 90 --min-success-rate 0.85 --basis co2e-location"})
    static final class Put implements Callable<Integer> {

        /** The flag to name for each field the shared checks ({@link ComparisonValidator#problems}) report. */
        static final FieldFlags FLAGS = new FieldFlags(flagsByField());

        /** A problem with one candidate's field, as {@link ComparisonValidator} words it: "candidate ft retrievalWhPerRequest ...". */
        private static final Pattern CANDIDATE_FIELD = Pattern.compile("^candidate (\\S+) (modelId|retrievalWhPerRequest|runIds|ownership)\\b");

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

        @Option(names = "--candidate-runs", paramLabel = "ID=RUN[,RUN...]", description = "One-off runs (" + TopicNames.TRAINING_RUNS + " ids) charged to a candidate.")
        Map<String, String> candidateRuns = new LinkedHashMap<>();

        @Option(names = "--candidate-kind", paramLabel = "ID=KIND", description = "fine-tune (default), rag, prompt or other, in any case.")
        Map<String, String> candidateKinds = new LinkedHashMap<>();

        @Option(names = "--candidate-retrieval-wh", paramLabel = "ID=WH", description = "A RAG candidate's retrieval energy per request, when its events do not carry it.")
        Map<String, Double> retrievalWh = new LinkedHashMap<>();

        @Option(names = "--candidate-ownership", paramLabel = "ID=OWNERSHIP", description = "Whose hardware the "
                + "candidate's inference runs on: owned, colocated, cloud or api, in any case. It sets the GHG scope "
                + "of its emissions (default: from each request's provider: none is owned, a model-API provider api, "
                + "any other cloud).")
        Map<String, String> candidateOwnership = new LinkedHashMap<>();

        @Option(names = "--baseline-ownership", paramLabel = "OWNERSHIP", description = "As --candidate-ownership, "
                + "for the baseline.")
        String baselineOwnership;

        @Option(names = "--basis", paramLabel = "BASIS", converter = EnumOptions.Bases.class,
                description = "Which basis drives the status and the alerts: energy (facility Wh), co2e-location or "
                        + "co2e-market (gCO2e), in any case (default: energy). All three are published either way.")
        Basis basis = Basis.ENERGY;

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

        @Option(names = "--fire-after", paramLabel = "N", description = "Consecutive windows before an alert fires, 1 to "
                + LedgerLimits.MAX_STREAK_WINDOWS + " (default: ${DEFAULT-VALUE}).")
        int fireAfter = 3;

        @Option(names = "--resolve-after", paramLabel = "N", description = "Consecutive windows before it resolves, 1 to "
                + LedgerLimits.MAX_STREAK_WINDOWS + " (default: ${DEFAULT-VALUE}).")
        int resolveAfter = 2;

        @Option(names = "--min-baseline-tasks", paramLabel = "N", description = "Fewer baseline tasks in a window use the reference (default: ${DEFAULT-VALUE}).")
        long minBaselineTasks = 20;

        @Option(names = "--pinned-baseline-wh", paramLabel = "WH", description = "A pinned baseline facility Wh per successful task for thin windows (default: the trailing reference). Its CO2e is priced with the grid in effect at each window.")
        Double pinnedWh;

        @Option(names = "--pinned-baseline-success-rate", paramLabel = "R", description = "The pinned baseline's success rate, in [0, 1]; goes with --pinned-baseline-wh, and is required when --max-success-rate-drop is given with it.")
        Double pinnedSuccessRate;

        @Option(names = "--lookback-windows", paramLabel = "N", description = "Windows the saving rate uses, 1 to "
                + LedgerLimits.MAX_LOOKBACK_WINDOWS + " (default: ${DEFAULT-VALUE}).")
        int lookback = 60;

        @Option(names = "--new-epoch", description = "Confirms an edit that starts a new ledger epoch (a changed baseline model or candidate model): the candidates affected restart from zero. A use case cannot change: put a new --id.")
        boolean newEpoch;

        @Override
        public Integer call() throws Exception {
            ComparisonDefinition definition = validDefinition();
            Optional<ComparisonDefinition> current = CurrentComparison.read(kafka, topic, id, CurrentComparison.DEFAULT_TIMEOUT);
            refuseUseCaseChange(current.orElse(null), definition);
            confirmEpoch(EpochChange.between(current.orElse(null), definition));
            RecordMetadata metadata = DefinitionPublisher.publish(kafka, topic, id, definition);
            spec.commandLine().getOut().printf("published comparison %s (%d candidate(s)) to %s partition %d offset %d%n",
                    id, definition.getCandidates().size(), topic, metadata.partition(), metadata.offset());
            return 0;
        }

        /** The definition to publish, refused (exit code 2) with every problem the streams app would find in it. */
        ComparisonDefinition validDefinition() {
            checkFlags();
            List<CandidateDefinition> list = new ArrayList<>();
            candidates.forEach((candidateId, model) -> list.add(CandidateDefinition.newBuilder()
                    .setCandidateId(candidateId).setModelId(model)
                    .setKind(candidateKind(candidateId).name())
                    .setRunIds(candidateRuns.containsKey(candidateId) ? List.of(candidateRuns.get(candidateId).split(",", -1)) : List.of())
                    .setRetrievalWhPerRequest(retrievalWh.get(candidateId))
                    .setOwnership(Ownership.canonical(candidateOwnership.get(candidateId)))
                    .build()));
            LocalDate end = horizonEnd != null ? horizonEnd
                    : horizonDays != null ? LocalDate.now(ZoneOffset.UTC).plusDays(horizonDays) : null;
            ComparisonDefinition definition = ComparisonDefinition.newBuilder()
                    .setComparisonId(id).setUseCase(useCase).setBaselineModel(baseline).setCandidates(list)
                    .setHorizonEnd(end == null ? null : end.atStartOfDay(ZoneOffset.UTC).toInstant())
                    .setHorizonSuccessfulTasks(horizonTasks)
                    .setMinSuccessRate(minSuccessRate).setMaxSuccessRateDrop(maxDrop)
                    .setFireAfterWindows(fireAfter).setResolveAfterWindows(resolveAfter)
                    .setMinBaselineTasks(minBaselineTasks)
                    .setPinnedBaselineWhPerSuccessfulTask(pinnedWh).setPinnedBaselineSuccessRate(pinnedSuccessRate)
                    .setSavingRateLookbackWindows(lookback)
                    .setBasis(basis.name())
                    .setBaselineOwnership(Ownership.canonical(baselineOwnership))
                    .build();
            List<String> problems = ComparisonValidator.problems(definition);
            if (!problems.isEmpty()) {
                fail("invalid comparison " + id + ": "
                        + problems.stream().map(Put::rename).collect(Collectors.joining("; ")));
            }
            return definition;
        }

        /**
         * A comparison's ledgers live on its use case's partition: moving it to another use case would leave two tasks
         * writing its status and alerts. So its use case cannot change; a new comparison id can.
         */
        void refuseUseCaseChange(ComparisonDefinition current, ComparisonDefinition next) {
            if (current != null && !current.getUseCase().equals(next.getUseCase())) {
                fail("comparison " + id + ": its use case cannot change (" + current.getUseCase() + " -> "
                        + next.getUseCase() + "): delete it (./payback comparison delete --id " + id
                        + ") and put the new definition under a new --id");
            }
        }

        /** Warns on stderr about an edit that restarts ledgers, and refuses it unless --new-epoch confirms it. */
        void confirmEpoch(EpochChange change) {
            if (!change.startsNewEpoch()) {
                return;
            }
            PrintWriter err = spec.commandLine().getErr();
            err.printf("warning: this edit of comparison %s starts a new ledger epoch for candidate(s) %s: their "
                    + "figures restart from zero (runs already charged stay charged)%n", id, String.join(", ", change.candidates()));
            change.changes().forEach(c -> err.println("  " + c));
            err.flush();
            if (!newEpoch) {
                fail("comparison " + id + ": this edit starts a new ledger epoch for " + String.join(", ", change.candidates())
                        + " (" + String.join("; ", change.changes()) + "); pass --new-epoch to confirm");
            }
        }

        /** The checks only the command line can make: flags that name candidates, and conflicting flags. */
        private void checkFlags() {
            for (String key : candidateRuns.keySet()) {
                requireCandidate("--candidate-runs", key);
            }
            for (String key : candidateKinds.keySet()) {
                requireCandidate("--candidate-kind", key);
                candidateKind(key);
            }
            for (String key : retrievalWh.keySet()) {
                requireCandidate("--candidate-retrieval-wh", key);
            }
            for (String key : candidateOwnership.keySet()) {
                requireCandidate("--candidate-ownership", key);
            }
            if (horizonEnd != null && horizonDays != null) {
                fail("--horizon-end and --horizon-days conflict: give one or the other");
            }
            if (pinnedSuccessRate != null && pinnedWh == null) {
                fail("--pinned-baseline-success-rate goes with --pinned-baseline-wh: it is the pinned baseline's success rate");
            }
        }

        private CandidateKind candidateKind(String candidateId) {
            String kind = candidateKinds.get(candidateId);
            if (kind == null) {
                return CandidateKind.FINE_TUNE;
            }
            try {
                return EnumOptions.parse(CandidateKind.class, kind);
            } catch (TypeConversionException e) {
                throw new ParameterException(spec.commandLine(), "--candidate-kind " + candidateId + "=" + kind + ": the kind "
                        + e.getMessage());
            }
        }

        /** "candidate ft retrievalWhPerRequest must be ..." reads "--candidate-retrieval-wh ft must be ...". */
        static String rename(String problem) {
            Matcher candidate = CANDIDATE_FIELD.matcher(problem);
            if (candidate.find()) {
                return FLAGS.rename(candidate.group(2)) + " " + candidate.group(1) + problem.substring(candidate.end());
            }
            return FLAGS.rename(problem);
        }

        private static Map<String, String> flagsByField() {
            Map<String, String> flags = new LinkedHashMap<>();
            flags.put("comparisonId", "--id");
            flags.put("useCase", "--use-case");
            flags.put("baselineModel", "--baseline");
            flags.put("candidates", "--candidate");
            flags.put("candidateId", "--candidate ID");
            flags.put("modelId", "--candidate");
            flags.put("retrievalWhPerRequest", "--candidate-retrieval-wh");
            flags.put("runIds", "--candidate-runs");
            flags.put("minSuccessRate", "--min-success-rate");
            flags.put("maxSuccessRateDrop", "--max-success-rate-drop");
            flags.put("fireAfterWindows", "--fire-after");
            flags.put("resolveAfterWindows", "--resolve-after");
            flags.put("savingRateLookbackWindows", "--lookback-windows");
            flags.put("minBaselineTasks", "--min-baseline-tasks");
            flags.put("horizonSuccessfulTasks", "--horizon-tasks");
            flags.put("pinnedBaselineWhPerSuccessfulTask", "--pinned-baseline-wh");
            flags.put("pinnedBaselineSuccessRate", "--pinned-baseline-success-rate");
            flags.put("basis", "--basis");
            flags.put("ownership", "--candidate-ownership");
            flags.put("baselineOwnership", "--baseline-ownership");
            return flags;
        }

        private void requireCandidate(String flag, String candidateId) {
            if (!candidates.containsKey(candidateId)) {
                fail(flag + " names candidate '" + candidateId + "', which no --candidate declares");
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
