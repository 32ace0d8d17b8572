package io.carbonllm.payback.streams.metrics;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters of one app instance that Kafka Streams does not keep: dead letters by stage and skipped definition
 * records by topic. Thread-safe: stream threads, the global thread and the error handlers count; the console and JMX
 * read. Kafka Streams builds the error handlers itself, so the instance reaches them through the Streams config
 * ({@link #INSTANCE_CONFIG}).
 */
public final class PaybackMetrics implements PaybackMetricsMXBean {

    /** The Streams config entry that carries this instance to the error handlers. */
    public static final String INSTANCE_CONFIG = "payback.metrics.instance";

    private static final Logger log = LoggerFactory.getLogger(PaybackMetrics.class);

    private final Map<String, LongAdder> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> skipped = new ConcurrentHashMap<>();

    /** The instance in a Streams config, or a fresh one that nobody reads when none was put there. */
    public static PaybackMetrics from(Map<String, ?> configs) {
        return configs.get(INSTANCE_CONFIG) instanceof PaybackMetrics metrics ? metrics : new PaybackMetrics();
    }

    public void deadLettered(String stage) {
        deadLetters.computeIfAbsent(stage, s -> new LongAdder()).increment();
    }

    public void definitionSkipped(String topic) {
        skipped.computeIfAbsent(topic, t -> new LongAdder()).increment();
    }

    @Override
    public Map<String, Long> getDeadLettersByStage() {
        return snapshot(deadLetters);
    }

    @Override
    public Map<String, Long> getDefinitionsSkippedByTopic() {
        return snapshot(skipped);
    }

    @Override
    public long getDeadLetters() {
        return total(deadLetters);
    }

    @Override
    public long getDefinitionsSkipped() {
        return total(skipped);
    }

    /**
     * One line for a console: "dead letters 4 (deserialize 3, validate 1); definitions skipped 1 (training-runs 1)".
     */
    public String summary() {
        return "dead letters " + getDeadLetters() + byName(getDeadLettersByStage()) + "; definitions skipped "
                + getDefinitionsSkipped() + byName(getDefinitionsSkippedByTopic());
    }

    /** " (late 1, validate 2)": counts by name, in the map's order; nothing when there are none. */
    public static String byName(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(" (");
        counts.forEach((name, n) -> text.append(text.length() > 2 ? ", " : "").append(name).append(' ').append(n));
        return text.append(')').toString();
    }

    /** Registers this instance over JMX; returns the name to unregister, or null if JMX refused it. */
    public ObjectName register(String applicationId) {
        try {
            ObjectName name = new ObjectName("io.carbonllm.payback:type=PaybackMetrics,application="
                    + ObjectName.quote(applicationId));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(this, name);
            return name;
        } catch (JMException e) {
            log.warn("Cannot register the payback metrics over JMX for application {}", applicationId, e);
            return null;
        }
    }

    public static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            log.warn("Cannot unregister {}", name, e);
        }
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counters) {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    private static long total(Map<String, LongAdder> counters) {
        return counters.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
