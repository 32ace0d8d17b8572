package io.carbonllm.payback.bench;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The broker the benchmarks talk to, and the producer settings the tracker and the raw producer share.
 *
 * <p>{@link RunBenchmarks} starts one broker in its own JVM and hands its address to the measured JVMs in the system
 * property {@value #BOOTSTRAP_PROPERTY}, so no broker thread or broker garbage shares the measured process. Run
 * without it (JMH's own {@code org.openjdk.jmh.Main}), each measured JVM starts a broker of its own.
 */
public final class BenchStack {

    public static final String BOOTSTRAP_PROPERTY = "payback.bench.bootstrap";
    public static final String TOPIC = TopicNames.INFERENCE_EVENTS;
    static final int PARTITIONS = 3;

    private static EmbeddedKafkaBroker ownBroker;

    private BenchStack() {
    }

    /** The launcher's broker, or one started in this JVM (once) when there is none. */
    public static synchronized String bootstrapServers() {
        String given = System.getProperty(BOOTSTRAP_PROPERTY);
        if (given != null && !given.isBlank()) {
            return given;
        }
        if (ownBroker == null) {
            ownBroker = startBroker();
            Runtime.getRuntime().addShutdownHook(new Thread(ownBroker::close, "bench-broker-stop"));
        }
        return ownBroker.bootstrapServers();
    }

    /** A real single-node KRaft broker on free loopback ports, with the events topic created. */
    public static EmbeddedKafkaBroker startBroker() {
        try {
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Ports.findFree(), Ports.findFree(),
                    Files.createTempDirectory("payback-bench-kafka")).start();
            createTopic(broker.bootstrapServers());
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void createTopic(String bootstrap) {
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create topic " + TOPIC + " on " + bootstrap, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Broker " + bootstrap + " did not create " + TOPIC + " within 60 s", e);
        }
    }

    /**
     * The producer settings {@code PaybackTracker.Builder} sets by default, written out for the raw producer so that
     * both send the same batches the same way: idempotent, {@code acks=all}, 20 ms linger, lz4.
     */
    public static Map<String, Object> trackerProducerDefaults(String bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 250);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "payback-bench-raw");
        return props;
    }
}
