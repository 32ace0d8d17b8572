package io.carbonllm.payback.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.streams.disclosure.Disclosure;
import io.carbonllm.payback.streams.disclosure.DisclosureFormats;
import io.carbonllm.payback.streams.disclosure.DisclosureInputs;
import io.carbonllm.payback.streams.disclosure.DisclosureReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "disclose",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Writes the disclosure of a period for auditors: per comparison, the training spike (the one-off "
                + "runs that started in it, with their scope, tier and who measured them, and a BoAmps report each), "
                + "each variant's inference by GHG scope, location- and market-based, with the tier mix, coverage and "
                + "factor rows; the avoided emissions apart, never netted; a range per figure from its evidence tier; "
                + "the restatements made in the period; and the provenance.",
            "It reads the closed day totals the streams app wrote (period-totals, period-restatements) and the live "
                + "ledgers, definitions and runs, each topic whole as the command starts. A day's totals exist once "
                + "the day has closed in event time. JSON follows docs/disclosure.schema.json; CSV has one row per "
                + "figure; HTML is one self-contained page (no script, no network) with the spike-against-savings "
                + "chart."},
        footer = {"", "Examples:",
            "  ./payback disclose --from 2026-07-01 --to 2026-09-30 --format html --output q3.html",
            "  ./payback disclose --from 2026-07-01 --to 2026-07-31 --comparison support-summarize-ft --format csv",
            "  ./payback disclose --from 2026-07-01 --to 2026-09-30 --format boamps --output boamps/"})
final class DiscloseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First UTC day of the period.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD", description = "Last UTC day of the period (included).")
    String to;

    @Option(names = "--comparison", paramLabel = "ID", description = "Only this comparison (default: all).")
    String comparison;

    @Option(names = "--format", paramLabel = "FORMAT", description = "json, csv, html, or boamps: the period's one-off runs "
            + "as BoAmps reports (default: ${DEFAULT-VALUE}).")
    String format = "json";

    @Option(names = "--output", paramLabel = "FILE", description = "Write the report here (default: standard output). With "
            + "--format boamps, a directory: one RUN_ID.boamps.json per run.")
    Path output;

    @Option(names = "--topic-prefix", hidden = true, description = "Prefix of every topic name (tests).")
    String topicPrefix = "";

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DisclosureFormats.Format chosen;
        Disclosure.Request request;
        try {
            chosen = DisclosureFormats.Format.parse(format);
            request = new Disclosure.Request(day("--from", from), day("--to", to), comparison);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        err.printf("reading the day totals, restatements, ledgers and definitions from %s...%n",
                kafka.bootstrapServers);
        DisclosureInputs inputs;
        try (HttpSchemaRegistryClient registry = kafka.registryClient()) {
            inputs = new DisclosureReader(kafka.clientProperties(), registry, new DisclosureReader.TopicNames(
                    topicPrefix + TopicNames.PERIOD_TOTALS, topicPrefix + TopicNames.PERIOD_RESTATEMENTS,
                    topicPrefix + TopicNames.PAYBACK_STATUS, topicPrefix + TopicNames.COMPARISONS,
                    topicPrefix + TopicNames.TRAINING_RUNS)).read();
        }
        err.printf("  %d day totals, %d restatements, %d ledgers, %d comparisons, %d runs%n", inputs.totals().size(),
                inputs.restatements().size(), inputs.statuses().size(), inputs.comparisons().size(),
                inputs.runs().size());
        ObjectNode report;
        try {
            report = Disclosure.build(inputs, request, new Disclosure.Provenance(Disclosure.softwareVersion(),
                    command(), Instant.now()));
        } catch (Disclosure.BadRequest e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        if (chosen == DisclosureFormats.Format.BOAMPS && output != null) {
            Files.createDirectories(output);
            int written = 0;
            Set<String> names = new HashSet<>();
            for (JsonNode c : report.path("comparisons")) {
                for (JsonNode run : c.at("/trainingSpike/runs")) {
                    if (!run.has("boamps")) {
                        err.printf("no BoAmps report for run %s: %s%n", run.path("runId").asText(),
                                run.path("boampsError").asText("the run is not in the training-runs topic any more"));
                        continue;
                    }
                    // RUN_ID.boamps.json; a run charged in two comparisons, or two ids alike once made safe, get
                    // the comparison and a number, never one file for two
                    String name = run.path("runId").asText().replaceAll("[^A-Za-z0-9._-]", "_");
                    // names compared without case: Run1 and run1 are one file on macOS and Windows
                    if (!names.add(name.toLowerCase(Locale.ROOT))) {
                        String base = name + "." + c.path("comparisonId").asText().replaceAll("[^A-Za-z0-9._-]", "_");
                        name = base;
                        for (int n = 2; !names.add(name.toLowerCase(Locale.ROOT)); n++) {
                            name = base + "." + n;
                        }
                    }
                    Files.writeString(output.resolve(name + ".boamps.json"), DisclosureFormats.json(run.get("boamps")));
                    written++;
                }
            }
            err.printf("%d BoAmps report(s) written to %s%n", written, output);
            return 0;
        }
        String text = DisclosureFormats.render(report, chosen);
        if (output == null) {
            out.print(text);
            out.flush();
        } else {
            Files.writeString(output, text);
            err.printf("disclosure written to %s (%s, %d comparison(s), %d restatement(s))%n", output,
                    chosen.name().toLowerCase(Locale.ROOT), report.path("comparisons").size(),
                    report.path("restatements").size());
        }
        return 0;
    }

    private static LocalDate day(String option, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be a date, YYYY-MM-DD; got " + text, e);
        }
    }

    /** The command as given, for the report's provenance. */
    private String command() {
        List<String> args = new ArrayList<>(List.of("./payback"));
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed != null) {
            args.addAll(parsed.originalArgs());
        }
        return String.join(" ", args);
    }
}
