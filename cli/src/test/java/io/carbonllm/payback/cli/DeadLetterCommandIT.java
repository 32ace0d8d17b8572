package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.streams.PaybackStreamsRunner;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.dlq.DeadLetters;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./payback dlq} and {@code dlq replay} on the real stack: the in-process KRaft broker, the Apicurio Registry,
 * and the production streams runner (exactly_once_v2), which turns what {@code ./payback poison} sends into dead
 * letters. The listing shows them; a replay publishes their original bytes to their original topic and partition once,
 * and no later run (a new command instance, or a new JVM through the launcher) publishes them again.
 */
class DeadLetterCommandIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "support-summarize";
    /** What PoisonCommand sends first, second and third (the fourth is a valid-Avro event with negative tokens). */
    private static final byte[] GARBAGE = "this is not avro".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WRONG_MAGIC = {7, 0, 0, 0, 1, 2, 3};
    private static final byte[] UNKNOWN_ID = {0, 0x77, 0x35, (byte) 0x94, 0x00, 2, 'x'};

    @TempDir
    Path dataDir;

    private String bootstrap;

    @Test
    void deadLettersAreListedAndEachIsReplayedToItsOriginalTopicExactlyOnce() throws Exception {
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Ports.findFree(), Ports.findFree(), dataDir.resolve("kafka")).start();
             ApicurioRegistry registry = ApicurioRegistry.inMemory(Ports.findFree(), dataDir.resolve("registry")).start()) {
            bootstrap = broker.bootstrapServers();
            Map<String, Object> props = new HashMap<>();
            props.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.confluentApiUrl());
            props.put(PaybackStreamsConfig.DATA_DIR_CONFIG, dataDir.toString());
            props.put(PaybackStreamsConfig.TOPIC_PARTITIONS_CONFIG, 3);
            props.put(io.carbonllm.payback.streams.config.ApiConfig.PORT_CONFIG, 0);

            // Given: no DLQ topic yet, which the listing says plainly
            CliRun none = dlq();
            assertThat(none.exitCode()).as(none.err()).isZero();
            assertThat(none.out()).contains("no dead letters: topic inference-events-dlq does not exist yet");

            // And the streams app running, and ./payback poison's four bad records, all keyed support-summarize: one
            // partition of the fresh inference-events, offsets 0 (garbage), 1 (wrong magic byte), 2 (unknown schema
            // id), 3 (negative token counts)
            PaybackStreamsRunner runner = new PaybackStreamsRunner(new PaybackStreamsConfig(props)).start();
            List<JsonNode> listed;
            try {
                assertThat(runner.awaitRunning(Duration.ofSeconds(120))).as("streams app RUNNING").isTrue();
                CliRun poison = CliRun.of("poison", "--bootstrap-servers", bootstrap,
                        "--schema-registry-url", registry.confluentApiUrl());
                assertThat(poison.exitCode()).as(poison.err()).isZero();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> jsonLines(dlq("--json")).size() == 4);
                // Stop the app before replaying: it would read the replayed records and dead-letter them again while
                // the test counts what the replay wrote.
            } finally {
                runner.close();
            }

            // When listed as JSON Lines
            CliRun json = dlq("--json");
            assertThat(json.exitCode()).as(json.err()).isZero();
            listed = jsonLines(json);
            listed.sort((a, b) -> Long.compare(a.get("sourceOffset").asLong(), b.get("sourceOffset").asLong()));
            // Then each is there with its stage, source and sizes: "this is not avro" is 16 bytes, the others 7
            assertThat(listed).extracting(n -> n.get("sourceOffset").asLong()).containsExactly(0L, 1L, 2L, 3L);
            assertThat(listed).extracting(n -> n.get("stage").asText())
                    .containsExactly("deserialize", "deserialize", "deserialize", "validate");
            assertThat(listed).extracting(n -> n.get("valueSize").asInt()).startsWith(16, 7, 7);
            assertThat(listed).allSatisfy(n -> {
                assertThat(n.get("sourceTopic").asText()).isEqualTo(TopicNames.INFERENCE_EVENTS);
                assertThat(n.get("key").asText()).isEqualTo(KEY);
                assertThat(n.get("keySize").asInt()).isEqualTo(17);
                assertThat(n.get("replayed").asBoolean()).isFalse();
            });
            int partition = listed.get(0).get("sourcePartition").asInt();
            assertThat(listed).allSatisfy(n -> assertThat(n.get("sourcePartition").asInt()).isEqualTo(partition));
            assertThat(listed.get(0).get("reason").asText()).contains("Unknown magic byte 0x74");   // 't' of "this"
            assertThat(listed.get(3).get("reason").asText()).contains("outputTokens -3 is negative");
            assertThat(json.err()).contains("4 dead letter(s) in inference-events-dlq by stage: deserialize 3, validate 1; replayed: 0");

            // And as a table: a header, four rows with reasons cut to 120 columns, the count by stage
            CliRun table = dlq();
            assertThat(table.out().lines().toList()).hasSize(6);
            assertThat(table.out().lines().limit(5)).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(120));
            assertThat(table.out()).contains("SOURCE").contains("inference-events/" + partition + "/3")
                    .contains("validate").doesNotContain("outputTokens -3 is negative")
                    .contains("4 dead letter(s) in inference-events-dlq by stage: deserialize 3, validate 1; replayed: 0");
            assertThat(dlq("--full").out()).contains("outputTokens -3 is negative");

            // And filtered: by stage; by time (all four failed in the last 10 minutes, none in the coming hour); limited
            CliRun validate = dlq("--stage", "validate", "--json");
            assertThat(jsonLines(validate)).extracting(n -> n.get("sourceOffset").asLong()).containsExactly(3L);
            assertThat(jsonLines(dlq("--since", "10m", "--json"))).hasSize(4);
            CliRun future = dlq("--since", Instant.now().plus(Duration.ofHours(1)).toString());
            assertThat(future.out()).contains("none of the 4 dead letters in inference-events-dlq match --since")
                    .contains("deserialize 3, validate 1");
            CliRun limited = dlq("--limit", "2");
            assertThat(limited.out().lines().toList()).hasSize(4);   // header, 2 rows, count
            assertThat(limited.out()).contains("showing the 2 most recent (--limit 0 shows all)");

            // When a dry run of stage deserialize
            Map<TopicPartition, Long> before = endOffsets(TopicNames.INFERENCE_EVENTS);
            CliRun dry = replay("--stage", "deserialize", "--dry-run");
            // Then it names the three and writes nothing, not even the marker topic
            assertThat(dry.exitCode()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("dry run: would replay 3; already replayed and skipped 0; filtered out 1")
                    .contains("-> inference-events partition " + partition);
            assertThat(endOffsets(TopicNames.INFERENCE_EVENTS)).isEqualTo(before);
            assertThat(topicExists(DeadLetters.TOPIC_DEFAULT + "-replayed")).isFalse();

            // When replayed
            CliRun replay = replay("--stage", "deserialize");
            assertThat(replay.exitCode()).as(replay.err()).isZero();
            assertThat(replay.out()).contains("replayed 3 of 3")
                    .contains("done: replayed 3; already replayed and skipped 0; filtered out 1");
            // Then inference-events got exactly the three original values, in their original order, on their original
            // partition, keyed as before, each naming the dead letter it came from
            List<ConsumerRecord<byte[], byte[]>> republished = readFrom(TopicNames.INFERENCE_EVENTS, before);
            assertThat(republished).hasSize(3);
            assertThat(republished).extracting(ConsumerRecord::value).containsExactly(GARBAGE, WRONG_MAGIC, UNKNOWN_ID);
            assertThat(republished).allSatisfy(r -> {
                assertThat(r.partition()).isEqualTo(partition);
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(KEY);
            });
            for (int i = 0; i < 3; i++) {
                String dlqPosition = DeadLetters.TOPIC_DEFAULT + "/" + listed.get(i).get("dlqPartition").asInt() + "/"
                        + listed.get(i).get("dlqOffset").asLong();
                assertThat(header(republished.get(i), DeadLetters.REPLAY_OF)).isEqualTo(dlqPosition);
                assertThat(republished.get(i).headers().headers(DeadLetters.STAGE)).isEmpty();
            }
            // And the listing marks them replayed
            assertThat(jsonLines(dlq("--json"))).filteredOn(n -> n.get("replayed").asBoolean())
                    .extracting(n -> n.get("sourceOffset").asLong()).containsExactlyInAnyOrder(0L, 1L, 2L);

            // When replayed again by a new command instance
            Map<TopicPartition, Long> afterReplay = endOffsets(TopicNames.INFERENCE_EVENTS);
            CliRun again = replay("--stage", "deserialize");
            // Then the markers skip all three, and nothing is written
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.out()).contains("done: replayed 0; already replayed and skipped 3; filtered out 1");
            assertThat(endOffsets(TopicNames.INFERENCE_EVENTS)).isEqualTo(afterReplay);

            // When replayed again from another JVM, through the launcher
            Launched launched = launcher("dlq", "replay", "--bootstrap-servers", bootstrap, "--stage", "deserialize");
            // Then the same: the markers are on the broker, not in a process
            assertThat(launched.exitCode()).as(launched.err()).isZero();
            assertThat(launched.out()).contains("done: replayed 0; already replayed and skipped 3; filtered out 1");
            assertThat(endOffsets(TopicNames.INFERENCE_EVENTS)).isEqualTo(afterReplay);

            // When the other stage is replayed, Then its one dead letter goes, and the three stay skipped (filtered out)
            CliRun validateReplay = replay("--stage", "validate");
            assertThat(validateReplay.out()).contains("done: replayed 1; already replayed and skipped 0; filtered out 3");
            List<ConsumerRecord<byte[], byte[]>> fourth = readFrom(TopicNames.INFERENCE_EVENTS, afterReplay);
            assertThat(fourth).hasSize(1);
            assertThat(header(fourth.get(0), DeadLetters.REPLAY_OF)).isEqualTo(DeadLetters.TOPIC_DEFAULT + "/"
                    + listed.get(3).get("dlqPartition").asInt() + "/" + listed.get(3).get("dlqOffset").asLong());
            assertThat(dlq().out()).contains("replayed: 4");
        }
    }

    private CliRun dlq(String... more) {
        List<String> args = new ArrayList<>(List.of("dlq", "--bootstrap-servers", bootstrap));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private CliRun replay(String... more) {
        List<String> args = new ArrayList<>(List.of("dlq", "replay", "--bootstrap-servers", bootstrap));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static List<JsonNode> jsonLines(CliRun run) throws Exception {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    private boolean topicExists(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.listTopics().containsKey(topic);
        }
    }

    /** Every committed record written after {@code from}, up to the end offsets now, in offset order per partition. */
    private List<ConsumerRecord<byte[], byte[]>> readFrom(String topic, Map<TopicPartition, Long> from) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        assertThat(header).as("header %s", key).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private record Launched(int exitCode, String out, String err) {
    }

    /** {@code ./payback} as a user runs it: a separate JVM, logging under the test's data directory. */
    private Launched launcher(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("payback").toString()));
        command.addAll(List.of(args));
        File out = dataDir.resolve("launcher-out.txt").toFile();
        File err = dataDir.resolve("launcher-err.txt").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectOutput(out).redirectError(err);
        builder.environment().put("PAYBACK_DATA_DIR", dataDir.toString());
        Process process = builder.start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("./payback finished").isTrue();
        return new Launched(process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }
}
