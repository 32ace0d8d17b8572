package io.carbonllm.payback.bench.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.bench.BenchStack;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.streams.config.ApiConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.topics.TopicProvisioner;
import io.carbonllm.payback.streams.topics.Topics;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The streams app against raw Kafka consumers, on the embedded stack, in the same run (docs/benchmarks.md, "The
 * streams app"). A real broker (KRaft, in this JVM) and Apicurio Registry (a child process) are started; the synthetic
 * input ({@link SyntheticLoad}) and its comparisons are loaded once; then each round measures, each in a fresh JVM with
 * the same heap: a raw {@code byte[]} consumer, a raw consumer with our {@code AvroDeserializer}, and the app under
 * each processing guarantee to the end of its input, then the app restoring its state from a wiped state directory.
 * Rounds repeat; the report gives min, median and max of each figure, and the app's ratio to the raw consumer, taken
 * within each round and then the median.
 */
public final class StreamsBench {

    private static final String USAGE = """
            Usage: java -jar payback-benchmarks.jar streams [options]   (or ./payback bench [options])
              --events N          input events (default 50000)
              --use-cases N       use cases the events spread over (default 20; three models each)
              --task-share X      share of events with a task id, 0 to 1 (default 0.3)
              --comparisons N     comparisons defined over the use cases (default 20)
              --partitions N      partitions of every topic (default 6)
              --hours N           event time the input spans (default 3)
              --rounds N          rounds, each measuring every client once (default 3; 0 with --freshness --rate)
              --guarantees LIST   exactly_once_v2, at_least_once, or both comma-separated (default exactly_once_v2)
              --heap SIZE         -Xmx of every measured JVM (default 1g)
              --set KEY=VALUE     an app config key for the app's runs (repeatable), e.g. --set commit.interval.ms=1000
              --no-restore        skip the restore measurement
              --jfr DIR           record each app run with Java Flight Recorder (profile=settings) into DIR
              --freshness         then P3: probes through the SDK under live background traffic, timed to the
                                  payback-status record and the API answer that reflect them
              --rate N            the background traffic's events/s for --freshness (default: half the app's
                                  median events/s measured in this run's rounds)
              --probes N          probes for --freshness (default 100), one every --probe-every-ms (default 200)
              --failover          then P4's failover: two instances with a standby replica each; one that owns
                                  comparisons is stopped (SIGTERM, then in a second pair SIGKILL with a 6 s
                                  session timeout), timed until the survivor answers them itself, unchanged
              --json FILE         where the JSON report goes (default target/streams-bench.json)
              --help              this text
            """;

    private int events = 50_000;
    private int useCases = 20;
    private double taskShare = 0.3;
    private int comparisons = 20;
    private int partitions = 6;
    private int hours = 3;
    private int rounds = 3;
    private List<String> guarantees = List.of("exactly_once_v2");
    private String heap = "1g";
    private final Map<String, String> appOverrides = new LinkedHashMap<>();
    private boolean restore = true;
    private Path jfr;
    private Path json = Path.of("target", "streams-bench.json");
    private boolean freshness;
    private boolean failover;
    private double rate;
    private int probes = 100;
    private int probeEveryMs = 200;

    /** The freshness run's input: live traffic only, apart from the loaded backlog. */
    private static final String LIVE_TOPIC = "inference-events-live";

    private StreamsBench() {
    }

    public static void main(String[] args) throws Exception {
        StreamsBench bench = new StreamsBench();
        try {
            bench.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
        bench.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (arg.equals("--no-restore")) {
                restore = false;
                continue;
            }
            if (arg.equals("--freshness")) {
                freshness = true;
                continue;
            }
            if (arg.equals("--failover")) {
                failover = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--events" -> events = positive(arg, value);
                case "--use-cases" -> useCases = positive(arg, value);
                case "--task-share" -> {
                    taskShare = Double.parseDouble(value);
                    if (taskShare < 0 || taskShare > 1) {
                        throw new IllegalArgumentException("--task-share must be in [0, 1], got " + value);
                    }
                }
                case "--comparisons" -> comparisons = Integer.parseInt(value);
                case "--partitions" -> partitions = positive(arg, value);
                case "--hours" -> hours = positive(arg, value);
                case "--rounds" -> {
                    rounds = Integer.parseInt(value);
                    if (rounds < 0) {
                        throw new IllegalArgumentException("--rounds must be at least 0, got " + value);
                    }
                }
                case "--rate" -> rate = positive(arg, value);
                case "--probes" -> probes = positive(arg, value);
                case "--probe-every-ms" -> probeEveryMs = positive(arg, value);
                case "--guarantees" -> {
                    guarantees = Arrays.stream(value.split(",")).map(String::trim).toList();
                    for (String g : guarantees) {
                        if (!g.equals("exactly_once_v2") && !g.equals("at_least_once")) {
                            throw new IllegalArgumentException("--guarantees takes exactly_once_v2 and at_least_once, "
                                    + "got " + g);
                        }
                    }
                }
                case "--heap" -> heap = value;
                case "--set" -> {
                    int eq = value.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--set takes KEY=VALUE, got " + value);
                    }
                    appOverrides.put(value.substring(0, eq), value.substring(eq + 1));
                }
                case "--json" -> json = Path.of(value);
                case "--jfr" -> jfr = Path.of(value).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (rounds == 0 && !(freshness && rate > 0) && !failover) {
            throw new IllegalArgumentException("--rounds 0 measures nothing unless --freshness is given with --rate, "
                    + "or --failover");
        }
    }

    private static int positive(String option, String value) {
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
        return n;
    }

    private void run() throws Exception {
        ObjectNode report = ChildResult.object();
        ObjectNode machine = report.putObject("machine");
        machine.put("processors", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.runtime.version"));
        machine.put("date", ZonedDateTime.now().toString());
        machine.put("loadAverageAtStart", loadAverage());
        ObjectNode setup = report.putObject("setup");
        setup.put("events", events);
        setup.put("useCases", useCases);
        setup.put("models", 3);
        setup.put("taskShare", taskShare);
        setup.put("comparisons", comparisons);
        setup.put("partitions", partitions);
        setup.put("eventTimeHours", hours);
        setup.put("heap", heap);
        setup.set("appConfig", ChildResult.JSON.valueToTree(appOverrides));
        System.out.printf("payback streams benchmark: %d events, %d use cases x 3 models, %.0f%% with task ids, "
                        + "%d comparisons, %d partitions, %d rounds, heap %s, on %d processors (load %s)%n", events,
                useCases, taskShare * 100, comparisons, partitions, rounds, heap,
                Runtime.getRuntime().availableProcessors(), loadAverage());

        Path work = Files.createTempDirectory("payback-streams-bench");
        long setupStart = System.nanoTime();
        System.out.print("  Starting Kafka (KRaft) and Apicurio Registry... ");
        System.out.flush();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Ports.findFree(), Ports.findFree(),
                work.resolve("kafka")).start();
             ApicurioRegistry registry = ApicurioRegistry.inMemory(Ports.findFree(), work.resolve("registry")).start()) {
            System.out.printf("ready in %.1f s%n", (System.nanoTime() - setupStart) / 1e9);
            Map<String, Object> base = appConfig(broker.bootstrapServers(), registry.confluentApiUrl(), work, "bench-setup");
            load(base, broker.bootstrapServers(), registry.confluentApiUrl());

            ArrayNode roundsNode = report.putArray("rounds");
            for (int round = 1; round <= rounds; round++) {
                System.out.printf("%n== Round %d of %d (load %s)%n", round, rounds, loadAverage());
                ObjectNode r = roundsNode.addObject();
                r.put("round", round);
                r.set("raw-bytes", child(RawConsumerRun.class, List.of(broker.bootstrapServers(),
                        "inference-events", Integer.toString(events), "bytes")));
                r.set("raw-avro", child(RawConsumerRun.class, List.of(broker.bootstrapServers(),
                        "inference-events", Integer.toString(events), "avro", registry.confluentApiUrl())));
                for (String guarantee : guarantees) {
                    String appId = "bench-" + guarantee.replace('_', '-') + "-" + round;
                    Map<String, Object> config = appConfig(broker.bootstrapServers(), registry.confluentApiUrl(),
                            work, appId);
                    config.put(PaybackStreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
                    config.putAll(appOverrides);
                    Path properties = write(work.resolve(appId + ".properties"), config);
                    r.set("app-" + guarantee, child(AppRun.class, List.of("process", properties.toString())));
                    Path stateDir = work.resolve(appId).resolve("streams");
                    r.put("stateMib-" + guarantee, size(stateDir) / (1024.0 * 1024));
                    if (restore) {
                        delete(stateDir);
                        r.set("restore-" + guarantee, child(AppRun.class, List.of("restore", properties.toString())));
                    }
                    delete(work.resolve(appId));
                }
            }
            if (rounds > 0) {
                summarize(report);
            }
            if (freshness) {
                report.set("freshness", freshness(broker, registry, work, report));
            }
            if (failover) {
                ArrayNode failovers = report.putArray("failover");
                for (boolean kill : new boolean[] {false, true}) {
                    failovers.add(failover(broker, registry, work, kill));
                }
            }
        } finally {
            delete(work);
        }
        Files.createDirectories(json.toAbsolutePath().getParent());
        Files.writeString(json, ChildResult.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(report));
        System.out.printf("%nThe whole report (every round, JSON): %s%n", json.toAbsolutePath());
    }

    private Map<String, Object> appConfig(String bootstrap, String registryUrl, Path work, String appId) {
        Map<String, Object> config = new HashMap<>();
        config.put(PaybackStreamsConfig.APPLICATION_ID_CONFIG, appId);
        config.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        config.put(PaybackStreamsConfig.DATA_DIR_CONFIG, work.resolve(appId).toString());
        config.put(PaybackStreamsConfig.TOPIC_PARTITIONS_CONFIG, partitions);
        config.put(ApiConfig.PORT_CONFIG, 0);
        return config;
    }

    /** Creates the app's topics, publishes the definitions, then the events, keyed and partitioned by use case. */
    private void load(Map<String, Object> config, String bootstrap, String registryUrl) throws Exception {
        long start = System.nanoTime();
        PaybackStreamsConfig typed = new PaybackStreamsConfig(config);
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registryUrl);
        Topics topics = Topics.from(typed, client);
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicProvisioner.createMissing(admin, topics.externalTopicNames(), topics.compactedTopicNames(), partitions,
                    (short) 1);
        }
        SyntheticLoad load = new SyntheticLoad(events, useCases, taskShare, Duration.ofHours(hours),
                Instant.now(), 42);
        Properties definitionProps = new Properties();
        definitionProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, ComparisonDefinition> defs = new KafkaProducer<>(definitionProps,
                new StringSerializer(), new AvroSerializer<>(client, false));
             KafkaProducer<String, TrainingRun> runs = new KafkaProducer<>(definitionProps, new StringSerializer(),
                     new AvroSerializer<>(client, false))) {
            for (TrainingRun run : load.runs(comparisons)) {
                runs.send(new ProducerRecord<>(typed.trainingRunsTopic(), run.getRunId(), run));
            }
            for (ComparisonDefinition def : load.comparisons(comparisons)) {
                defs.send(new ProducerRecord<>(typed.comparisonsTopic(), def.getComparisonId(), def));
            }
        }
        Map<String, Object> producerProps = new HashMap<>(BenchStack.trackerProducerDefaults(bootstrap));
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        AvroSerializer<InferenceEvent> serializer = new AvroSerializer<>(client, false);
        AtomicLong sent = new AtomicLong();
        long step = Math.max(1, events / 10);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            load.forEach(event -> {
                String topic = typed.inferenceEventsTopic();
                byte[] key = event.getUseCase().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, UseCasePartitioner.partitionOf(event.getUseCase(), partitions),
                        null, key, serializer.serialize(topic, event)));
                if (sent.incrementAndGet() % step == 0) {
                    System.out.printf("\r  Loading %d events... %d%%", events, sent.get() * 100 / events);
                    System.out.flush();
                }
            });
            producer.flush();
        }
        System.out.printf("\r  Loaded %d events, %d comparisons in %.1f s%n", events, comparisons,
                (System.nanoTime() - start) / 1e9);
    }

    /** Runs {@code main} in a fresh JVM with the measured heap, echoing its progress lines; returns its result. */
    private JsonNode child(Class<?> main, List<String> args) throws IOException, InterruptedException {
        List<String> command = command(main, args);
        String what = main == AppRun.class ? "app (" + args.get(0) + ")" : "raw consumer (" + args.get(3) + ")";
        System.out.printf("  %-22s ", what);
        System.out.flush();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        JsonNode result = null;
        boolean progressed = false;
        List<String> tail = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode parsed = ChildResult.parse(line);
                if (parsed != null) {
                    result = parsed;
                } else if (line.startsWith("PROGRESS ")) {
                    System.out.printf("%n    %s", line.substring("PROGRESS ".length()));
                    System.out.flush();
                    progressed = true;
                } else {
                    tail.add(line);
                    if (tail.size() > 40) {
                        tail.remove(0);
                    }
                }
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0 || result == null) {
            throw new IllegalStateException(main.getSimpleName() + " failed (exit " + process.exitValue()
                    + "); its last lines:\n" + String.join("\n", tail));
        }
        System.out.println((progressed ? String.format("%n    ") : "") + describe(result));
        return result;
    }

    private List<String> command(Class<?> main, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Dlogback.configurationFile=payback-benchmarks-logback.xml"));
        if (jfr != null && main == AppRun.class) {
            Files.createDirectories(jfr);
            command.add("-XX:FlightRecorderOptions:stackdepth=512");
            command.add("-XX:StartFlightRecording=settings=profile,filename=" + jfr.resolve("app-" + args.get(0) + "-"
                    + System.currentTimeMillis() + ".jfr"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return command;
    }

    /**
     * P3: the app serving in its own JVM on a topic of live traffic of its own (the loaded backlog would be a catch-up,
     * not freshness), with the probes' comparison defined; see {@link FreshnessRun}.
     */
    private JsonNode freshness(EmbeddedKafkaBroker broker, ApicurioRegistry registry, Path work, ObjectNode report)
            throws Exception {
        double backgroundRate = rate > 0 ? rate
                : report.path("summary").path("app exactly_once_v2, events/s").path("median").asDouble() / 2;
        if (backgroundRate <= 0) {
            throw new IllegalStateException("no exactly_once_v2 rounds to take the rate from: give --rate");
        }
        String appId = "bench-freshness";
        Map<String, Object> config = appConfig(broker.bootstrapServers(), registry.confluentApiUrl(), work, appId);
        config.put(PaybackStreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2");
        config.put(PaybackStreamsConfig.INFERENCE_EVENTS_TOPIC_CONFIG, LIVE_TOPIC);
        config.putAll(appOverrides);
        PaybackStreamsConfig typed = new PaybackStreamsConfig(config);
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            TopicProvisioner.createMissing(admin, Set.of(LIVE_TOPIC), Set.of(), partitions, (short) 1);
        }
        Properties definitionProps = new Properties();
        definitionProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, ComparisonDefinition> defs = new KafkaProducer<>(definitionProps,
                new StringSerializer(), new AvroSerializer<>(new HttpSchemaRegistryClient(registry.confluentApiUrl()),
                false))) {
            defs.send(new ProducerRecord<>(typed.comparisonsTopic(), FreshnessRun.COMPARISON, FreshnessRun.comparison()))
                    .get(30, TimeUnit.SECONDS);
        }
        System.out.printf("%n== Freshness (P3): %d probes every %d ms under %,.0f events/s of live traffic (load %s)%n",
                probes, probeEveryMs, backgroundRate, loadAverage());
        Path properties = write(work.resolve(appId + ".properties"), config);
        Process app = new ProcessBuilder(command(AppRun.class, List.of("serve", properties.toString())))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
        JsonNode serving = null;
        List<String> tail = new ArrayList<>();
        String line;
        while (serving == null && (line = out.readLine()) != null) {
            serving = ChildResult.parse(line);
            tail.add(line);
        }
        if (serving == null) {
            throw new IllegalStateException("the app did not start serving; its last lines:\n"
                    + String.join("\n", tail.subList(Math.max(0, tail.size() - 40), tail.size())));
        }
        JsonNode[] last = new JsonNode[1];
        Thread drain = new Thread(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    JsonNode parsed = ChildResult.parse(l);
                    if (parsed != null) {
                        last[0] = parsed;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "freshness-app-output");
        drain.start();
        ObjectNode result;
        try {
            result = new FreshnessRun(broker.bootstrapServers(), registry.confluentApiUrl(), LIVE_TOPIC,
                    typed.paybackStatusTopic(), partitions, useCases, taskShare)
                    .measure(serving.get("apiBaseUrl").asText(), backgroundRate, probes, Duration.ofMillis(probeEveryMs));
        } finally {
            app.getOutputStream().close();
            if (!app.waitFor(2, TimeUnit.MINUTES)) {
                app.destroyForcibly();
            }
            drain.join();
        }
        result.set("appConfig", ChildResult.JSON.valueToTree(appOverrides));
        if (last[0] != null) {
            result.put("peakRssMib", last[0].get("peakRssMib").asDouble());
        }
        System.out.println("  " + FreshnessRun.describe(result));
        return result;
    }

    /** P4's failover, with two fresh instances of a deployment of its own; see {@link FailoverRun}. */
    private JsonNode failover(EmbeddedKafkaBroker broker, ApicurioRegistry registry, Path work, boolean kill)
            throws Exception {
        String appId = "bench-failover-" + (kill ? "kill" : "stop");
        System.out.printf("%n== Failover (P4), %s: two instances, num.standby.replicas=1 (load %s)%n",
                kill ? "SIGKILL, session.timeout.ms 6000" : "SIGTERM", loadAverage());
        List<String> ids = new SyntheticLoad(events, useCases, taskShare, Duration.ofHours(hours), Instant.now(), 42)
                .comparisons(comparisons).stream().map(ComparisonDefinition::getComparisonId).toList();
        ObjectNode result = new FailoverRun().measure(name -> {
            Map<String, Object> config = appConfig(broker.bootstrapServers(), registry.confluentApiUrl(), work, appId);
            config.put(PaybackStreamsConfig.DATA_DIR_CONFIG, work.resolve(appId + "-" + name).toString());
            config.put(PaybackStreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2");
            config.put("num.standby.replicas", 1);
            config.put("consumer.session.timeout.ms", 6_000);
            // b starts with no state; without this it would get warm-up replicas only, and active tasks at the next
            // probing rebalance (10 minutes)
            config.put("acceptable.recovery.lag", Long.MAX_VALUE);
            config.putAll(appOverrides);
            try {
                Path properties = write(work.resolve(appId + "-" + name + ".properties"), config);
                Process process = new ProcessBuilder(command(AppRun.class, List.of("serve", properties.toString())))
                        .redirectErrorStream(true).start();
                JsonNode serving = FailoverRun.awaitServing(process);
                System.out.printf("  instance %s serves at %s%n", name, serving.get("apiBaseUrl").asText());
                return new FailoverRun.Instance(process, serving.get("apiBaseUrl").asText(),
                        serving.get("advertised").asText());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, ids, kill);
        System.out.printf("  %s of the owner of %s: the survivor answered it itself after %.2f s, unchanged after "
                        + "%.2f s; before that %d answers 503 (%d without Retry-After), %d other values, %d other "
                        + "statuses%n", result.get("stop").asText(),
                result.get("comparison").asText(), result.get("secondsToFirstOwnAnswer").asDouble(),
                result.get("secondsToSameAnswer").asDouble(), result.get("unavailableAnswers").asInt(),
                result.get("unavailableWithoutRetryAfter").asInt(), result.get("otherValuesServed").asInt(),
                result.get("otherStatuses").asInt());
        return result;
    }

    private static String describe(JsonNode result) {
        if (result.has("restoreSeconds")) {
            return String.format("restored %,d records in %.1f s, peak RSS %.0f MiB",
                    result.get("restoredRecords").asLong(), result.get("restoreSeconds").asDouble(),
                    result.get("peakRssMib").asDouble());
        }
        return String.format("%,10.0f events/s (%.1f s), peak RSS %.0f MiB", result.get("eventsPerSecond").asDouble(),
                result.get("seconds").asDouble(), result.get("peakRssMib").asDouble());
    }

    /** Min, median and max per figure over the rounds, and the app's ratio to the raw consumer within each round. */
    private void summarize(ObjectNode report) {
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        for (JsonNode round : report.get("rounds")) {
            double raw = round.get("raw-bytes").get("eventsPerSecond").asDouble();
            figures.computeIfAbsent("raw byte[] consumer, events/s", k -> new ArrayList<>()).add(raw);
            figures.computeIfAbsent("raw consumer + AvroDeserializer, events/s", k -> new ArrayList<>())
                    .add(round.get("raw-avro").get("eventsPerSecond").asDouble());
            figures.computeIfAbsent("raw consumer + AvroDeserializer, ratio", k -> new ArrayList<>())
                    .add(round.get("raw-avro").get("eventsPerSecond").asDouble() / raw);
            for (String g : guarantees) {
                JsonNode app = round.get("app-" + g);
                figures.computeIfAbsent("app " + g + ", events/s", k -> new ArrayList<>())
                        .add(app.get("eventsPerSecond").asDouble());
                figures.computeIfAbsent("app " + g + ", ratio", k -> new ArrayList<>())
                        .add(app.get("eventsPerSecond").asDouble() / raw);
                figures.computeIfAbsent("app " + g + ", peak RSS MiB", k -> new ArrayList<>())
                        .add(app.get("peakRssMib").asDouble());
                figures.computeIfAbsent("app " + g + ", state MiB", k -> new ArrayList<>())
                        .add(round.get("stateMib-" + g).asDouble());
                if (round.has("restore-" + g)) {
                    figures.computeIfAbsent("app " + g + ", restore s", k -> new ArrayList<>())
                            .add(round.get("restore-" + g).get("restoreSeconds").asDouble());
                }
            }
        }
        ObjectNode summary = report.putObject("summary");
        System.out.printf("%n%-48s %14s %14s %14s%n", "figure (" + rounds + " rounds)", "min", "median", "max");
        figures.forEach((name, values) -> {
            List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            ObjectNode s = summary.putObject(name);
            s.put("min", sorted.get(0));
            s.put("median", median);
            s.put("max", sorted.get(sorted.size() - 1));
            String format = name.endsWith("ratio") ? "%-48s %14.3f %14.3f %14.3f%n" : "%-48s %,14.1f %,14.1f %,14.1f%n";
            System.out.printf(format, name, sorted.get(0), median, sorted.get(sorted.size() - 1));
        });
    }

    private static Path write(Path file, Map<String, Object> config) throws IOException {
        Properties props = new Properties();
        config.forEach((k, v) -> props.put(k, String.valueOf(v)));
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "streams benchmark run");
        }
        return file;
    }

    private static long size(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
