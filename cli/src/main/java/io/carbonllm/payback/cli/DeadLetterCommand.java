package io.carbonllm.payback.cli;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.streams.dlq.DeadLetterStage;
import io.carbonllm.payback.streams.dlq.DeadLetters;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "dlq",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Lists the dead letters: records the streams app could not read (stage deserialize), found "
                + "invalid (validate) or received after their window closed (late), with the reason, when, and the "
                + "topic, partition and offset they came from.",
            "It reads the DLQ topic from its beginning to its end as the command starts (committed records only). "
                + "The table shows the most recent --limit dead letters, oldest first, each reason cut to fit a "
                + DeadLetterTable.WIDTH + "-column line (--full: whole); the last line counts the selection by stage. "
                + "--json prints one JSON object per line (JSON Lines) and the count on stderr.",
            "'dlq replay' publishes dead letters again, to the topic they came from."},
        subcommands = {DeadLetterCommand.Replay.class},
        footer = {"", "Examples:",
            "  ./payback dlq",
            "  ./payback dlq --stage validate --since 2h --full",
            "  ./payback dlq --json --limit 0 | jq -r 'select(.replayed | not) | .reason'",
            "  ./payback dlq replay --stage deserialize --since 2h --dry-run"})
final class DeadLetterCommand implements Callable<Integer> {

    private static final Comparator<DeadLetter> BY_TIME = Comparator.comparing(DeadLetter::failedAt)
            .thenComparingInt(DeadLetter::partition).thenComparingLong(DeadLetter::offset);

    @Spec
    CommandSpec spec;

    @Mixin
    BrokerOptions broker = new BrokerOptions();

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The DLQ topic, payback.topic.dlq of the streams app (default: ${DEFAULT-VALUE}).")
    String topic = TopicNames.DEAD_LETTERS;

    @Option(names = "--stage", paramLabel = "STAGE", converter = EnumOptions.Stages.class,
            description = "Only this stage: deserialize, validate, late or misrouted (default: all).")
    DeadLetterStage stage;

    @Option(names = "--since", paramLabel = "WHEN", converter = Since.class,
            description = "Only dead letters written at or after WHEN: " + Since.FORMS + ".")
    Instant since;

    @Option(names = "--limit", paramLabel = "N", description = "Show the N most recent; 0 shows all (default: ${DEFAULT-VALUE}). The count covers all.")
    int limit = 50;

    @Option(names = "--full", description = "Show whole reasons, however long.")
    boolean full;

    @Option(names = "--json", description = "One JSON object per line (JSON Lines) with the whole reason, key and value sizes, and whether it was replayed; the count goes to stderr.")
    boolean json;

    @Override
    public Integer call() {
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be 0 (show all) or more, got " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter summary = json ? err : out;
        DeadLetterFilter filter = new DeadLetterFilter(stage, since);
        try (Admin admin = TopicSnapshot.admin(broker.clientProperties())) {
            Optional<TopicDescription> dlq = TopicSnapshot.describe(admin, broker.clientProperties(), topic);
            if (dlq.isEmpty()) {
                summary.printf("no dead letters: topic %s does not exist yet (the streams app creates it when it starts)%n", topic);
                return 0;
            }
            Uuid dlqId = dlq.get().topicId();
            Set<String> markers = ReplayMarkers.read(admin, broker.clientProperties(), ReplayMarkers.topic(topic), err);
            // The most recent `limit` matches (the oldest is evicted first), so a large DLQ is not held in memory.
            PriorityQueue<DeadLetter> shown = new PriorityQueue<>(BY_TIME);
            Map<String, Long> byStage = new TreeMap<>();
            Map<String, Long> allByStage = new TreeMap<>();
            long[] matched = {0};
            long[] replayed = {0};
            long total = TopicSnapshot.read(broker.clientProperties(), dlq.get(), err, record -> {
                DeadLetter deadLetter = DeadLetter.of(record);
                allByStage.merge(DeadLetterTable.orUnknown(deadLetter.stage()), 1L, Long::sum);
                if (!filter.matches(deadLetter)) {
                    return;
                }
                matched[0]++;
                byStage.merge(DeadLetterTable.orUnknown(deadLetter.stage()), 1L, Long::sum);
                if (markers.contains(ReplayMarkers.key(dlqId, deadLetter))) {
                    replayed[0]++;
                }
                shown.add(deadLetter);
                if (limit > 0 && shown.size() > limit) {
                    shown.poll();
                }
            });
            List<DeadLetter> rows = new ArrayList<>(shown);
            rows.sort(BY_TIME);
            if (total == 0) {
                summary.printf("no dead letters in %s%n", topic);
                return 0;
            }
            if (matched[0] == 0) {
                summary.printf("none of the %d dead letters in %s match %s (all of them by stage: %s)%n", total, topic,
                        filter.flags(), DeadLetterTable.byStage(allByStage));
                return 0;
            }
            if (json) {
                rows.forEach(row -> out.println(DeadLetterTable.json(row, markers.contains(ReplayMarkers.key(dlqId, row)))));
            } else {
                DeadLetterTable.lines(rows, row -> markers.contains(ReplayMarkers.key(dlqId, row)), full).forEach(out::println);
            }
            String of = filter.flags().isEmpty() ? "" : " (of " + total + ", matching " + filter.flags() + ")";
            summary.printf("%d dead letter(s) in %s%s by stage: %s; replayed: %d%s%n", matched[0], topic, of,
                    DeadLetterTable.byStage(byStage), replayed[0],
                    rows.size() < matched[0] ? "; showing the " + rows.size() + " most recent (--limit 0 shows all)" : "");
            return 0;
        }
    }

    @Command(name = "replay",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {"Publishes dead letters of one stage again, to the topic, partition and with the key, value "
                    + "and headers they had: after a registry outage is over, or once a validator is corrected.",
                "Each dead letter is replayed once. A marker for each one goes to the compacted topic <dlq topic>"
                    + ReplayMarkers.SUFFIX + " in the same Kafka transaction as the record, so a later run (from any "
                    + "machine) skips it, and an interrupted run has published exactly what it marked. Runs on the "
                    + "same DLQ do not overlap: a new one fences the one still running.",
                "Replayed records carry header " + DeadLetters.REPLAY_OF + "=<dlq topic>/<partition>/<offset>; if "
                    + "one fails again, its new dead letter keeps it, and a later replay publishes that new dead "
                    + "letter again. Records go back in their source partition's order. Stage late cannot be "
                    + "replayed: its record is a task from an internal topic, and it would be late again."},
            footer = {"", "Examples:",
                "  ./payback dlq replay --stage deserialize --since 2h --dry-run",
                "  ./payback dlq replay --stage validate --since 2026-11-27"})
    static final class Replay implements Callable<Integer> {

        private static final Comparator<DeadLetter> SOURCE_ORDER = Comparator
                .comparing(DeadLetter::sourceTopic)
                .thenComparing(DeadLetter::sourcePartition, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(DeadLetter::sourceOffset, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingInt(DeadLetter::partition).thenComparingLong(DeadLetter::offset);

        @Spec
        CommandSpec spec;

        @Mixin
        BrokerOptions broker = new BrokerOptions();

        @Option(names = "--topic", paramLabel = "TOPIC", description = "The DLQ topic (default: ${DEFAULT-VALUE}).")
        String topic = TopicNames.DEAD_LETTERS;

        @Option(names = "--stage", required = true, paramLabel = "STAGE", converter = EnumOptions.Stages.class,
                description = "Replay this stage: deserialize, validate or misrouted (after switching the app to payback.input.partitioning=any). Required, so that nothing is replayed by accident.")
        DeadLetterStage stage;

        @Option(names = "--since", paramLabel = "WHEN", converter = Since.class,
                description = "Only dead letters written at or after WHEN: " + Since.FORMS + " (default: all).")
        Instant since;

        @Option(names = "--dry-run", description = "Say what would be replayed, and write nothing.")
        boolean dryRun;

        @Option(names = "--batch-size", paramLabel = "N", description = "Records per transaction, 1 to 10000 (default: ${DEFAULT-VALUE}).")
        int batchSize = 100;

        @Override
        public Integer call() {
            if (!stage.holdsProducerBytes()) {
                throw new ParameterException(spec.commandLine(), "--stage " + stage.header() + " cannot be replayed: "
                        + "its dead letters are requests as the window stage read them, and one sent again would miss "
                        + "its closed window again (stream time never goes back); replayable stages: "
                        + replayable());
            }
            if (batchSize < 1 || batchSize > 10_000) {
                throw new ParameterException(spec.commandLine(), "--batch-size must be 1 to 10000, got " + batchSize);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            DeadLetterFilter filter = new DeadLetterFilter(stage, since);
            try (Admin admin = TopicSnapshot.admin(broker.clientProperties())) {
                Optional<TopicDescription> dlq = TopicSnapshot.describe(admin, broker.clientProperties(), topic);
                if (dlq.isEmpty()) {
                    out.printf("nothing to replay: topic %s does not exist%n", topic);
                    return 0;
                }
                String markerTopic = ReplayMarkers.topic(topic);
                if (dryRun) {
                    Selection selection = select(admin, dlq.get(), filter, markerTopic, err);
                    Map<String, Integer> partitions = targetPartitions(admin, selection.pending());
                    for (DeadLetter d : selection.pending()) {
                        out.printf("would replay %s -> %s%s (%s, %d bytes, failed at %s)%n", d.position(), d.sourceTopic(),
                                partitionText(target(d, partitions)), d.stage(), d.valueSize(), d.failedAt());
                    }
                    out.printf("dry run: would replay %d; already replayed and skipped %d; filtered out %d (another "
                            + "stage, or failed before --since)%s; nothing was written%n", selection.pending().size(),
                            selection.alreadyReplayed(), selection.filteredOut(), noSource(selection));
                    return 0;
                }
                ReplayMarkers.ensureTopic(admin, broker.clientProperties(), markerTopic);
                try (KafkaProducer<byte[], byte[]> producer = producer()) {
                    // Fences an earlier run of this DLQ still in progress, and waits out its open transaction, so the
                    // markers read next include everything it committed.
                    producer.initTransactions();
                    Selection selection = select(admin, dlq.get(), filter, markerTopic, err);
                    Map<String, Integer> partitions = targetPartitions(admin, selection.pending());
                    int replayed = replay(producer, dlq.get().topicId(), markerTopic, selection.pending(), partitions, out);
                    out.printf("done: replayed %d; already replayed and skipped %d; filtered out %d (another stage, "
                            + "or failed before --since)%s; markers in %s%n", replayed, selection.alreadyReplayed(),
                            selection.filteredOut(), noSource(selection), markerTopic);
                }
                return 0;
            }
        }

        /** The dead letters to replay (in their source partitions' order) and what the others were. */
        private record Selection(List<DeadLetter> pending, long alreadyReplayed, long filteredOut, long withoutSource) {
        }

        private Selection select(Admin admin, TopicDescription dlq, DeadLetterFilter filter, String markerTopic,
                                 PrintWriter progress) {
            Set<String> markers = ReplayMarkers.read(admin, broker.clientProperties(), markerTopic, progress);
            List<DeadLetter> pending = new ArrayList<>();
            long[] counts = new long[3];
            TopicSnapshot.read(broker.clientProperties(), dlq, progress, record -> {
                DeadLetter deadLetter = DeadLetter.of(record);
                if (!filter.matches(deadLetter)) {
                    counts[1]++;
                } else if (markers.contains(ReplayMarkers.key(dlq.topicId(), deadLetter))) {
                    counts[0]++;
                } else if (deadLetter.sourceTopic() == null) {
                    counts[2]++;
                    progress.printf("warning: %s has no %s header; it cannot be replayed%n", deadLetter.position(),
                            DeadLetters.SOURCE_TOPIC);
                } else {
                    pending.add(deadLetter);
                }
            });
            pending.sort(SOURCE_ORDER);
            return new Selection(pending, counts[0], counts[1], counts[2]);
        }

        /** The partition count of each topic the selection goes back to; a topic that is gone stops the replay. */
        private Map<String, Integer> targetPartitions(Admin admin, List<DeadLetter> pending) {
            Map<String, Long> perTopic = new LinkedHashMap<>();
            pending.forEach(d -> perTopic.merge(d.sourceTopic(), 1L, Long::sum));
            Map<String, Integer> partitions = new HashMap<>();
            perTopic.forEach((name, count) -> partitions.put(name,
                    TopicSnapshot.describe(admin, broker.clientProperties(), name).orElseThrow(() -> new IllegalStateException(
                            "topic " + name + ", where " + count + " of the dead letters to replay came from, does not "
                                    + "exist; nothing was replayed")).partitions().size()));
            return partitions;
        }

        /**
         * Its original partition, which keeps it with the other records of its key as the producer placed them; the
         * key's partition (the producer's default partitioner) if that partition is unknown or no longer exists.
         */
        private static Integer target(DeadLetter d, Map<String, Integer> partitions) {
            Integer original = d.sourcePartition();
            return original != null && original < partitions.get(d.sourceTopic()) ? original : null;
        }

        private int replay(KafkaProducer<byte[], byte[]> producer, Uuid dlqId, String markerTopic,
                           List<DeadLetter> pending, Map<String, Integer> partitions, PrintWriter out) {
            if (pending.isEmpty()) {
                return 0;
            }
            out.printf("replaying %d dead letter(s) of stage %s, %d per transaction%n", pending.size(), stage.header(),
                    batchSize);
            out.flush();
            int done = 0;
            while (done < pending.size()) {
                List<DeadLetter> batch = pending.subList(done, Math.min(done + batchSize, pending.size()));
                try {
                    producer.beginTransaction();
                    for (DeadLetter d : batch) {
                        Integer partition = target(d, partitions);
                        producer.send(new ProducerRecord<>(d.sourceTopic(), partition, null, d.key(), d.value(),
                                replayHeaders(d)));
                        producer.send(new ProducerRecord<>(markerTopic,
                                ReplayMarkers.key(dlqId, d).getBytes(StandardCharsets.UTF_8),
                                ReplayMarkers.value(d.sourceTopic(), partition, Instant.now()).getBytes(StandardCharsets.UTF_8)));
                    }
                    producer.commitTransaction();
                } catch (ProducerFencedException | InvalidProducerEpochException e) {
                    throw new IllegalStateException("another './payback dlq replay' of " + topic + " started and took "
                            + "over; this run replayed " + done + " of " + pending.size() + " before that, and none of "
                            + "its last batch. Run it again once the other has finished: it skips what is replayed", e);
                } catch (KafkaException e) {
                    abortQuietly(producer);
                    throw new IllegalStateException("publishing failed (" + e.getMessage() + "); this run replayed "
                            + done + " of " + pending.size() + " and rolled back its last batch. Run it again: it "
                            + "skips what is replayed", e);
                }
                done += batch.size();
                out.printf("  replayed %d of %d%n", done, pending.size());
                out.flush();
            }
            return done;
        }

        /** The original headers, and {@link DeadLetters#REPLAY_OF} naming this dead letter (replacing an older one). */
        private static RecordHeaders replayHeaders(DeadLetter d) {
            RecordHeaders headers = new RecordHeaders();
            for (Header header : d.originalHeaders()) {
                if (!header.key().equals(DeadLetters.REPLAY_OF)) {
                    headers.add(header);
                }
            }
            headers.add(DeadLetters.REPLAY_OF, d.position().getBytes(StandardCharsets.UTF_8));
            return headers;
        }

        private KafkaProducer<byte[], byte[]> producer() {
            Properties props = new Properties();
            props.putAll(broker.clientProperties());
            // One transactional id per DLQ: a second run fences the first, so two runs never replay the same record.
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "payback-dlq-replay-" + topic);
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TopicSnapshot.TIMEOUT.toMillis());
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000);
            return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        }

        private static void abortQuietly(KafkaProducer<byte[], byte[]> producer) {
            try {
                producer.abortTransaction();
            } catch (KafkaException e) {
                // the broker aborts the transaction when it times out; the failure that led here is the one to report
            }
        }

        private static String partitionText(Integer partition) {
            return partition == null ? " (the key's partition)" : " partition " + partition;
        }

        private static String noSource(Selection selection) {
            return selection.withoutSource() == 0 ? ""
                    : "; " + selection.withoutSource() + " without a source topic header (not replayable)";
        }

        private static String replayable() {
            return Arrays.stream(DeadLetterStage.values()).filter(DeadLetterStage::holdsProducerBytes)
                    .map(DeadLetterStage::header).collect(Collectors.joining(", "));
        }
    }
}
