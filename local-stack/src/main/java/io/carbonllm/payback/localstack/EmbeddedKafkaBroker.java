package io.carbonllm.payback.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process), started in this JVM from the
 * Maven Central jars and bound to 127.0.0.1 only. Its log directory is formatted once and reused, so topics and
 * offsets survive a restart.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final int port;
    private final int controllerPort;
    private final Path logDir;
    private boolean standardTimestampLimit;
    private KafkaRaftServer server;

    public EmbeddedKafkaBroker(int port, int controllerPort, Path logDir) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.logDir = logDir;
    }

    /**
     * Keeps the broker default for {@code log.message.timestamp.after.max.ms} (1 h), as a production broker has it,
     * instead of lifting it for the demo's compressed event time.
     */
    public EmbeddedKafkaBroker withStandardTimestampLimit() {
        this.standardTimestampLimit = true;
        return this;
    }

    /** Formats the log directory if it is new, then starts the broker; returns once it serves requests. */
    public EmbeddedKafkaBroker start() {
        Ports.requireFree(port, "Kafka broker", "--kafka-port");
        Ports.requireFree(controllerPort, "Kafka controller", "--controller-port");
        Properties props = brokerProperties();
        try {
            Files.createDirectories(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(props);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create Kafka log directory " + logDir, e);
        }
        server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        log.info("Kafka broker started on 127.0.0.1:{} with logs in {}", port, logDir);
        return this;
    }

    private Properties brokerProperties() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "6");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "6");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("min.insync.replicas", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB dedupe buffer lives on the heap and makes small heaps fail with OutOfMemoryError.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        props.put("auto.create.topics.enable", "false");
        // The demo compresses event time, so Kafka Streams writes records stamped hours ahead of the wall clock;
        // since Kafka 4.0 a broker rejects timestamps more than an hour ahead by default.
        if (!standardTimestampLimit) {
            props.put("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        }
        props.put("num.partitions", "1");
        return props;
    }

    private void format(Properties props) {
        String dir = logDir.toAbsolutePath().toString();
        Formatter formatter = new Formatter()
                .setNodeId(1)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(dir))
                .setMetadataLogDirectory(dir)
                .setControllerListenerName("CONTROLLER")
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            formatter.run();
        } catch (Exception e) {
            throw new LocalStackException("Cannot format the Kafka log directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            log.info("Kafka broker on 127.0.0.1:{} stopped", port);
        }
    }
}
