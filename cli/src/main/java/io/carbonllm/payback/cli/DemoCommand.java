package io.carbonllm.payback.cli;

import io.carbonllm.payback.demo.DemoClock;
import io.carbonllm.payback.demo.DemoStory;
import io.carbonllm.payback.demo.LatestEventTime;
import io.carbonllm.payback.demo.TrafficSimulator;
import io.carbonllm.payback.demo.VariantProfile;
import io.carbonllm.payback.demo.WindowSummary;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.LocalStackException;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.localstack.RegistryDistribution;
import io.carbonllm.payback.otlp.OtlpConfig;
import io.carbonllm.payback.otlp.OtlpHttpEndpoint;
import io.carbonllm.payback.otlp.TrackerSink;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.streams.PaybackStreamsRunner;
import io.carbonllm.payback.streams.config.ApiConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Starts the whole system on a real local stack: a Kafka broker (KRaft, in-process), Apicurio Registry "
                + "(child process), the streams app and a traffic simulator, then prints a live summary per window.",
            "Data (topics, offsets, schemas, state) stays in the data directory, so a second run reuses it. "
                + "Ctrl-C stops everything cleanly."})
final class DemoCommand implements Callable<Integer> {


    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where Kafka, the registry, Streams state and logs keep their data (default: $PAYBACK_DATA_DIR or ~/.payback).")
    Path dataDir = DataDirs.defaultDir();

    @Option(names = "--kafka-port", paramLabel = "PORT", description = "Kafka broker port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int kafkaPort = 9092;

    @Option(names = "--controller-port", paramLabel = "PORT", description = "KRaft controller port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int controllerPort = 9093;

    @Option(names = "--registry-port", paramLabel = "PORT", description = "Schema registry port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int registryPort = 8081;

    @Option(names = "--otlp-port", paramLabel = "PORT", description = "OTLP/HTTP port for GenAI spans on 127.0.0.1; "
            + "0 picks a free one (default: ${DEFAULT-VALUE}).")
    int otlpPort = OtlpConfig.DEFAULT_PORT;

    @Option(names = "--api-port", paramLabel = "PORT", description = "The streams app's HTTP API on 127.0.0.1; "
            + "0 picks a free one (default: ${DEFAULT-VALUE}).")
    int apiPort = ApiConfig.PORT_DEFAULT;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of topics created at start-up (default: ${DEFAULT-VALUE}).")
    int partitions = 6;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", description = "Simulated gateway requests per second (default: ${DEFAULT-VALUE}).")
    double rate = 40;

    @Option(names = "--compression", paramLabel = "X", description = "Event time runs this many times faster than the wall clock, so the story "
            + "(pay back, drift, NOT_SAVING, recovery) plays in minutes; 1 is real time (default: ${DEFAULT-VALUE}).")
    double compression = 20;

    @Option(names = "--window-seconds", paramLabel = "S", description = "Tumbling window size (default: ${DEFAULT-VALUE}).")
    int windowSeconds = 60;

    @Option(names = "--summary-seconds", paramLabel = "S", description = "How often the console summary prints (default: ${DEFAULT-VALUE}).")
    int summarySeconds = 5;

    @Option(names = "--duration-seconds", paramLabel = "S", description = "Stop by itself after this long; 0 runs until Ctrl-C (default: ${DEFAULT-VALUE}).")
    int durationSeconds = 0;

    @Option(names = {"-v", "--verbose"}, description = "Also show the broker's and clients' INFO logs on the console.")
    boolean verbose;

    private final Console console = Console.stdout();

    @Override
    public Integer call() throws Exception {
        validateOptions();
        Files.createDirectories(dataDir);
        console.line("carbon-llm payback tracker: demo on a real local stack");
        console.line("  data directory: %s (logs in %s)", dataDir.toAbsolutePath(), dataDir.resolve("logs").toAbsolutePath());

        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            try {
                cleanedUp.await(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "payback-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        Deque<Stoppable> stack = new ArrayDeque<>();
        int exitCode = 0;
        try {
            if (apiPort != 0) {
                Ports.requireFree(apiPort, "streams app's HTTP API", "--api-port");
            }
            EmbeddedKafkaBroker broker = console.step("Starting Kafka (KRaft, single node)",
                    () -> new EmbeddedKafkaBroker(kafkaPort, controllerPort, dataDir.resolve("kafka")).start(),
                    EmbeddedKafkaBroker::bootstrapServers);
            stack.push(new Stoppable("Kafka", broker));

            RegistryDistribution distribution = RegistryDistribution.locate();
            ApicurioRegistry registry = console.step("Starting schema registry (Apicurio " + distribution.version() + ")",
                    () -> ApicurioRegistry.persistent(registryPort, dataDir.resolve("registry")).start(),
                    ApicurioRegistry::confluentApiUrl);
            stack.push(new Stoppable("schema registry", registry));

            Map<String, Object> props = new HashMap<>();
            props.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.confluentApiUrl());
            props.put(PaybackStreamsConfig.DATA_DIR_CONFIG, dataDir.toString());
            props.put(PaybackStreamsConfig.TOPIC_PARTITIONS_CONFIG, partitions);
            props.put(PaybackStreamsConfig.WINDOW_SIZE_MS_CONFIG, windowSeconds * 1000L);
            props.put(ApiConfig.PORT_CONFIG, apiPort);
            // Event time runs --compression times faster than the clock, so it gets far ahead of it: a year of leeway
            props.put(PaybackStreamsConfig.MAX_EVENT_TIME_AHEAD_MS_CONFIG, Duration.ofDays(365).toMillis());
            // If a previous demo was killed (kill -9) it never left the group: a short session timeout lets this
            // run take its partitions over in seconds rather than the default 45 s.
            props.put("consumer.session.timeout.ms", 10_000);
            PaybackStreamsConfig config = new PaybackStreamsConfig(props);
            PaybackStreamsRunner runner = new PaybackStreamsRunner(config);
            stack.push(new Stoppable("streams app", runner));
            console.step("Starting the streams app (" + config.applicationId() + ", exactly_once_v2)", () -> {
                runner.start();
                try {
                    if (!runner.awaitRunning(Duration.ofSeconds(120))) {
                        throw new LocalStackException("The streams app did not reach RUNNING within 120 s (state "
                                + runner.state() + "); see " + dataDir.resolve("logs/payback.log"));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LocalStackException("Interrupted while starting the streams app", e);
                }
                return runner;
            }, r -> "state " + r.state());

            HttpSchemaRegistryClient registryClient = new HttpSchemaRegistryClient(registry.confluentApiUrl());
            // A data directory with traffic in it carries the story on from where event time got to, even after kill -9
            Instant now = Instant.now();
            DemoClock clock = DemoClock.start(dataDir, DemoStory.freshStart(now), LatestEventTime.in(broker.bootstrapServers(), registryClient,
                    config.inferenceEventsTopic(), now.plus(config.maxEventTimeAhead())), compression, System.nanoTime());
            if (clock.resumed()) {
                console.line("  resuming the story at event time %s (window %d of the story, which started %s)",
                        clock.resumeFrom(), Duration.between(clock.storyStart(), clock.resumeFrom()).toMillis()
                                / config.windowSize().toMillis(), clock.storyStart());
            }
            DemoStory story = new DemoStory(clock.storyStart(), config.windowSize());
            publishDefinitions(broker.bootstrapServers(), registryClient, config, story);
            WindowSummary summary = new WindowSummary(broker.bootstrapServers(), registryClient,
                    config.variantWindowsTopic(), config.dlqTopic(), config.paybackStatusTopic(),
                    config.paybackAlertsTopic(), console.stream(), Duration.ofSeconds(summarySeconds))
                    .withDefinitionsSkipped(() -> runner.metrics().getDefinitionsSkippedByTopic())
                    .start();
            stack.push(new Stoppable("summary", summary));

            // The producer SDK, as a gateway embeds it: the simulator's thread never waits on Kafka or the registry
            PaybackTracker tracker = PaybackTracker.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .schemaRegistry(registryClient)
                    .topic(config.inferenceEventsTopic())
                    .gateway("demo-gateway")
                    .build();
            stack.push(new Stoppable("tracker", tracker));
            // Gateways that emit OpenTelemetry GenAI spans need no SDK: the receiver feeds the same tracker
            OtlpHttpEndpoint otlp = console.step("Starting the OTLP/HTTP receiver",
                    () -> OtlpHttpEndpoint.start(OtlpConfig.defaults().withPort(otlpPort), new TrackerSink(tracker)),
                    e -> "http://127.0.0.1:" + e.port() + OtlpHttpEndpoint.PATH);
            stack.push(new Stoppable("OTLP receiver", otlp));
            DemoClock traffic = clock.startingAt(System.nanoTime());
            TrafficSimulator simulator = new TrafficSimulator(tracker, DemoStory.USE_CASE, story::variantsAt, rate,
                    System.nanoTime(), () -> traffic.eventTime(System.nanoTime()))
                    .start();
            stack.push(new Stoppable("simulator", simulator));

            printWhereToLook(broker, registry, config, runner, clock.storyStart());
            exitCode = waitForStop(stopRequested, runner);
        } catch (LocalStackException e) {
            console.line("error: %s", e.getMessage());
            exitCode = 1;
        } finally {
            console.line("Stopping...");
            while (!stack.isEmpty()) {
                Stoppable next = stack.pop();
                try {
                    next.resource().close();
                    console.line("  stopped %s", next.name());
                } catch (Exception e) {
                    console.line("  could not stop %s cleanly: %s", next.name(), e.getMessage());
                }
            }
            cleanedUp.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Ctrl-C: the JVM is already shutting down, and the hook is waiting for exactly this cleanup.
            }
        }
        return exitCode;
    }

    private int waitForStop(CountDownLatch stopRequested, PaybackStreamsRunner runner) throws InterruptedException {
        long deadline = durationSeconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds) : Long.MAX_VALUE;
        while (!stopRequested.await(1, TimeUnit.SECONDS)) {
            KafkaStreams.State state = runner.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                console.line("error: the streams app stopped (state %s): %s", state,
                        runner.fatalError() == null ? "see the log" : runner.fatalError().getMessage());
                return 1;
            }
            if (System.nanoTime() >= deadline) {
                console.line("Ran for %d s as asked (--duration-seconds).", durationSeconds);
                return 0;
            }
        }
        return 0;
    }

    /** The comparison and its one-off runs, published before the traffic (a real team would use their own). */
    private static void publishDefinitions(String bootstrapServers, HttpSchemaRegistryClient registry,
                                           PaybackStreamsConfig config, DemoStory story) {
        java.util.Properties props = new java.util.Properties();
        props.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (var comparisons = new org.apache.kafka.clients.producer.KafkaProducer<String, io.carbonllm.payback.events.ComparisonDefinition>(
                props, new org.apache.kafka.common.serialization.StringSerializer(), new AvroSerializer<>(registry, false));
             var runs = new org.apache.kafka.clients.producer.KafkaProducer<String, io.carbonllm.payback.events.TrainingRun>(
                     props, new org.apache.kafka.common.serialization.StringSerializer(), new AvroSerializer<>(registry, false))) {
            for (var run : story.runs()) {
                runs.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.trainingRunsTopic(), run.getRunId(), run));
            }
            var comparison = story.comparison();
            comparisons.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.comparisonsTopic(),
                    comparison.getComparisonId(), comparison));
        }
    }

    private void printWhereToLook(EmbeddedKafkaBroker broker, ApicurioRegistry registry, PaybackStreamsConfig config,
                                  PaybackStreamsRunner runner, Instant storyStart) {
        console.blank();
        console.line("Simulating gateway traffic: %.0f requests/s for use case '%s', event time x%s", rate,
                DemoStory.USE_CASE, compression == Math.rint(compression) ? Long.toString((long) compression) : Double.toString(compression));
        console.line("  baseline   %s (70B, long few-shot prompts)", VariantProfile.baseline().modelId());
        console.line("  fine-tune  %s (8B LoRA fine-tune, short prompts; runs ft-search + ft-final)", VariantProfile.fineTune().modelId());
        console.line("  rag        %s (70B with retrieved context; run rag-index)", VariantProfile.rag().modelId());
        console.line("  the story: the fine-tune pays back, drifts at event-time window %d (NOT_SAVING fires), recovers at %d",
                30, 38);
        console.line("Where to look:");
        console.line("  Kafka            %s   topics: %s, %s, %s,", broker.bootstrapServers(), config.inferenceEventsTopic(),
                config.variantWindowsTopic(), config.dlqTopic());
        console.line("                   %s, %s, %s, %s, %s,", config.comparisonsTopic(), config.trainingRunsTopic(),
                config.comparisonWindowsTopic(), config.paybackStatusTopic(), config.paybackAlertsTopic());
        console.line("                   %s, %s", config.periodTotalsTopic(), config.periodRestatementsTopic());
        console.line("  schema registry  %s", registry.confluentApiUrl());
        if (runner.api() != null) {
            console.line("  dashboard        %s/ui/   (payback bars, charts and alerts, live)", runner.api().baseUrl());
            console.line("  HTTP API         %s/api/comparisons   (every path: %s/api/openapi.json)",
                    runner.api().baseUrl(), runner.api().baseUrl());
        }
        console.line("  send bad records ./payback poison   (they land in %s; the demo keeps going)", config.dlqTopic());
        LocalDate firstDay = storyStart.atOffset(ZoneOffset.UTC).toLocalDate();
        console.line("  disclosure       ./payback disclose --from %s --to %s --format html --output disclosure.html",
                firstDay.minusDays(3), firstDay.plusDays(1));
        console.line("                   (a UTC day's totals are written once it has closed: the story's first day, "
                + "%s, about %d minutes in)", firstDay, Math.max(1, Math.round(
                        (DemoStory.BEFORE_MIDNIGHT.toSeconds() + 2.0 * windowSeconds + 30) / compression / 60)));
        console.line("Every %d s: the latest complete %d s window (event time), the ledger and the alerts. Ctrl-C stops everything.",
                summarySeconds, windowSeconds);
    }

    private void validateOptions() {
        requirePort("--kafka-port", kafkaPort);
        requirePort("--controller-port", controllerPort);
        requirePort("--registry-port", registryPort);
        if (apiPort != 0) {
            requirePort("--api-port", apiPort);
        }
        if (kafkaPort == controllerPort || kafkaPort == registryPort || controllerPort == registryPort) {
            throw new ParameterException(spec.commandLine(), "--kafka-port, --controller-port and --registry-port "
                    + "must differ (got " + kafkaPort + ", " + controllerPort + ", " + registryPort + ")");
        }
        if (partitions < 1 || partitions > 1000) {
            throw new ParameterException(spec.commandLine(), "--partitions must be between 1 and 1000, got " + partitions);
        }
        if (!(compression >= 1 && compression <= 10_000)) {
            throw new ParameterException(spec.commandLine(), "--compression must be in [1, 10000], got " + compression);
        }
        if (!(rate > 0 && rate <= 100_000)) {
            throw new ParameterException(spec.commandLine(), "--rate must be in (0, 100000] events/s, got " + rate);
        }
        if (windowSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--window-seconds must be at least 1, got " + windowSeconds);
        }
        if (summarySeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--summary-seconds must be at least 1, got " + summarySeconds);
        }
        if (durationSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--duration-seconds must be 0 or more, got " + durationSeconds);
        }
    }

    private void requirePort(String flag, int port) {
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), flag + " must be between 1 and 65535, got " + port);
        }
    }

    private record Stoppable(String name, AutoCloseable resource) {
    }
}
