package io.carbonllm.payback.streams;

import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.RegistryClientConfig;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.streams.alerts.AlertWebhookConfig;
import io.carbonllm.payback.streams.alerts.AlertWebhookSink;
import io.carbonllm.payback.streams.api.ApiServer;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.window.InputPartitions;
import io.carbonllm.payback.streams.dlq.DeadLetterStage;
import io.carbonllm.payback.streams.metrics.PaybackMetrics;
import io.carbonllm.payback.streams.metrics.PrometheusEndpoint;
import io.carbonllm.payback.streams.metrics.PrometheusMetrics;
import io.carbonllm.payback.streams.state.Definitions;
import io.carbonllm.payback.streams.state.LocalLedgerStores;
import io.carbonllm.payback.streams.topics.TopicProvisioner;
import io.carbonllm.payback.streams.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@link KafkaStreams} lifecycle: topic provisioning, the state listener, the uncaught-exception handler,
 * close with a timeout, and an optional shutdown hook. The topology itself comes from {@link PaybackTopology}.
 */
public final class PaybackStreamsRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PaybackStreamsRunner.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final PaybackStreamsConfig config;
    private final SchemaRegistryClient registry;
    private final Topics topics;
    private final Topology topology;
    private final PaybackMetrics metrics = new PaybackMetrics();
    private ObjectName metricsName;
    private final PrometheusMetrics prometheus;
    private final RegistryBlips blips = new RegistryBlips(Clock.systemUTC());
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Consumer<KafkaStreams.State> stateObserver = state -> { };
    private volatile StateRestoreListener restoreListener;
    private volatile Throwable fatalError;
    private volatile KafkaStreams streams;
    private AlertWebhookSink alertWebhook;
    private ApiServer api;
    private final InputPartitions inputPartitions;
    private Thread shutdownHook;

    public PaybackStreamsRunner(PaybackStreamsConfig config) {
        this.config = config;
        this.registry = new HttpSchemaRegistryClient(RegistryClientConfig.fromProperties(config.originals()));
        this.topics = Topics.from(config, registry);
        PaybackTopology paybackTopology = new PaybackTopology(config, topics, new Definitions(), metrics);
        this.inputPartitions = paybackTopology.inputPartitions();
        this.topology = paybackTopology.build();
        this.prometheus = new PrometheusMetrics(config.applicationId(), metrics,
                Arrays.stream(DeadLetterStage.values()).map(DeadLetterStage::header).toList(),
                List.of(config.comparisonsTopic(), config.trainingRunsTopic(), config.factorsTopic()));
    }

    public PaybackStreamsRunner(Map<?, ?> props) {
        this(new PaybackStreamsConfig(props));
    }

    /** Told of every state store restoration (active tasks'); set before {@link #start()}. For the benchmarks. */
    public PaybackStreamsRunner onRestore(StateRestoreListener listener) {
        this.restoreListener = listener;
        return this;
    }

    /** Called on every state change, after this runner's own logging. */
    public PaybackStreamsRunner onStateChange(Consumer<KafkaStreams.State> observer) {
        this.stateObserver = observer;
        return this;
    }

    public Topology topology() {
        return topology;
    }

    public Topics topics() {
        return topics;
    }

    /** Dead letters and skipped definitions counted by this instance (also over JMX). */
    public PaybackMetrics metrics() {
        return metrics;
    }

    /**
     * What {@code GET /metrics} serves: JVM and Kafka Streams metrics, the counts above, and gauges for the ledgers
     * this instance owns (docs/operations.md, "Metrics").
     */
    public PrometheusEndpoint prometheus() {
        return prometheus.endpoint();
    }

    /** The registry behind {@link #prometheus()}, for other components' meters. */
    public PrometheusMetrics prometheusMetrics() {
        return prometheus;
    }

    /** Creates missing topics, then starts processing. Returns at once; see {@link #awaitRunning}. */
    public PaybackStreamsRunner start() {
        if (config.createTopics() || config.inputPartitionedByUseCase()) {
            Properties adminProps = new Properties();
            adminProps.putAll(config.originals());
            adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            try (Admin admin = Admin.create(adminProps)) {
                if (config.createTopics()) {
                    TopicProvisioner.createMissing(admin, topics.externalTopicNames(), topics.compactedTopicNames(),
                            config.topicPartitions(), config.topicReplicationFactor());
                }
                if (config.inputPartitionedByUseCase()) {
                    inputPartitions.set(TopicProvisioner.partitionCount(admin, config.inferenceEventsTopic(),
                            PaybackStreamsConfig.INPUT_PARTITIONING_CONFIG + "=" + PaybackStreamsConfig.PARTITIONING_USE_CASE));
                }
            }
        }
        registerSchemas();
        Properties streamsProps = config.streamsProperties();
        streamsProps.put(PaybackMetrics.INSTANCE_CONFIG, metrics);
        if (config.api().enabled()) {
            // Bound before Kafka Streams starts, so this instance advertises the port it really has (0 picks one)
            api = new ApiServer(config, registry, () -> streams, prometheus.endpoint());
            api.start().bindStreamMetrics(prometheus.registry());
            streamsProps.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, api.advertised());
        }
        streams = new KafkaStreams(topology, streamsProps);
        metricsName = metrics.register(config.applicationId());
        prometheus.bindStreams(streams).bindLedgers(new LocalLedgerStores(streams));
        streams.setStateListener((newState, oldState) -> {
            log.info("Kafka Streams state {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
            if (api != null) {
                api.observe(newState);
            }
            stateObserver.accept(newState);
        });
        streams.setUncaughtExceptionHandler(exception -> {
            boolean global = Thread.currentThread().getName().contains("GlobalStreamThread");
            StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse response = responseTo(exception, global, blips);
            if (response == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
                log.warn("{}; replacing the stream thread, which resumes from the last commit once it answers",
                        isRegistryBlip(exception) ? "The schema registry is unreachable or throttling"
                                : "The Kafka cluster did not acknowledge the thread's writes in time (an outage?)",
                        exception);
            } else {
                fatalError = exception;
                log.error("Unrecoverable error in Kafka Streams; shutting down this instance", exception);
            }
            return response;
        });
        if (restoreListener != null) {
            streams.setGlobalStateRestoreListener(restoreListener);
        }
        streams.start();
        if (api != null) {
            api.startLiveSource(); // GET /api/stream: the app's own output topics, read back (docs/architecture.md)
        }
        startAlertWebhook();
        return this;
    }

    /** Delivers alert transitions to the webhook when {@code payback.alerts.webhook.url} is set. */
    private void startAlertWebhook() {
        AlertWebhookConfig webhook = config.alertWebhook();
        if (webhook.enabled()) {
            alertWebhook = AlertWebhookSink.create(webhook, config.originals(), config.paybackAlertsTopic(),
                    topics.paybackAlerts().valueSerde().deserializer(), prometheus.registry()).start();
        }
    }

    /**
     * Registers every subject the app writes: an incompatible schema fails here, naming the subject. Then sets the
     * subjects producers write to the level the evolution guard enforces
     * ({@link io.carbonllm.payback.streams.topics.ContractCompatibility}).
     */
    private void registerSchemas() {
        topics.writtenSubjects(config.applicationId()).forEach((subject, schema) -> {
            try {
                registry.register(subject, schema);
            } catch (io.carbonllm.payback.schemas.registry.SchemaRegistryException e) {
                throw new IllegalStateException("Cannot register the schema of subject '" + subject + "' at "
                        + registry.describe() + ": " + e.getMessage(), e);
            }
        });
        io.carbonllm.payback.streams.topics.ContractCompatibility.apply(registry, topics);
    }

    /** Waits until the app is RUNNING; false on timeout or if it stopped first. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && fatalError == null;
    }

    /** Blocks until the app stops (after {@link #close()} or a fatal error). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Waits up to {@code timeout} for the app to stop; true if it has. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** The exception that stopped the app, or null. */
    public Throwable fatalError() {
        return fatalError;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The HTTP API, once started; null when {@code payback.api.enabled} is false or before {@link #start()}. */
    public ApiServer api() {
        return api;
    }

    /** Closes the app cleanly on SIGTERM or Ctrl-C. */
    public PaybackStreamsRunner installShutdownHook() {
        shutdownHook = new Thread(this::closeStreams, "payback-streams-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        return this;
    }

    private void closeStreams() {
        if (streams != null) {
            // Leave the group on a deliberate stop, so the partitions move to the other instances (or to this one
            // on restart) at once instead of after session.timeout.ms.
            boolean clean = streams.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
            if (!clean) {
                log.warn("Kafka Streams did not close within {} s", CLOSE_TIMEOUT.toSeconds());
            }
        }
        stopped.countDown();
    }

    @Override
    public void close() {
        if (api != null) {
            api.close(); // first: other instances then get no answer from here, and say 503 until the rebalance
        }
        if (alertWebhook != null) {
            alertWebhook.close();
        }
        closeStreams();
        registry.close();
        PaybackMetrics.unregister(metricsName);
        prometheus.close();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down and the hook is running.
            }
        }
    }

    /**
     * The uncaught-exception policy. A registry that is unreachable or throttling (after the client's retries) is a
     * blip: the thread is replaced, after a growing pause, and resumes from the last commit, nothing lost, nothing
     * counted twice; more than {@link RegistryBlips#MAX_REPLACEMENTS} in {@link RegistryBlips#WINDOW} stop the instance.
     * The global thread cannot be replaced, and anything else is a bug or a misconfiguration (refused registry
     * credentials included), never bad input, which goes to the DLQ: the instance stops loudly rather than spin, and its
     * tasks move to the other instances.
     */
    static StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse responseTo(Throwable exception, boolean global,
                                                                             RegistryBlips blips) {
        if (global || !isRegistryBlip(exception) && !isBrokerTimeout(exception)) {
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        Duration pause = blips.nextReplacement();
        if (pause == null) {
            log.error("The schema registry or the Kafka cluster has been out of reach through {} thread replacements "
                    + "in {}; stopping", RegistryBlips.MAX_REPLACEMENTS, RegistryBlips.WINDOW);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /**
     * A write the cluster did not acknowledge in time: a send past {@code delivery.timeout.ms} (a
     * {@code TimeoutException}), which under exactly-once leaves the thread's transaction abortable; the next send or
     * commit then fails with a {@code TransactionAbortableException}, or a plain {@code KafkaException} whose text says
     * the transaction can be aborted, and Kafka Streams fails the thread. Its tasks resume from their last commit on a
     * new thread, with a new producer: nothing is counted twice. A topic or partition missing from the metadata is not
     * an outage: no replacement brings it back, so it stops the instance.
     */
    static boolean isBrokerTimeout(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof TimeoutException && message.contains("not present in metadata")) {
                return false; // a missing topic or partition: no replacement brings it back
            }
            if (t instanceof TransactionAbortableException || t instanceof TimeoutException
                    || t instanceof KafkaException && message.contains("safe to abort the transaction")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRegistryBlip(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException.Unavailable) {
                return true;
            }
        }
        return false;
    }
}
