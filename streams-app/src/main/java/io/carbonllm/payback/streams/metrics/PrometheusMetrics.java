package io.carbonllm.payback.streams.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Collection;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app instance's Micrometer registry in Prometheus form: JVM metrics, Kafka Streams' client metrics, the
 * {@link PaybackMetrics} counts, the per-ledger gauges ({@link LedgerGauges}) and whatever else registers on
 * {@link #registry()} (the alert webhook's counters). {@link #endpoint()} is what {@code GET /metrics} serves. Every
 * meter carries the tag {@code application} (the {@code application.id}); Prometheus adds {@code instance}.
 */
public final class PrometheusMetrics implements AutoCloseable {

    /** Records sent to the DLQ by this instance, by stage; stage {@code late} counts the late events. */
    public static final String DEAD_LETTERS = "payback.dead.letters";
    /** Records of the global definition topics skipped as unreadable or invalid, by topic. */
    public static final String DEFINITIONS_SKIPPED = "payback.definitions.skipped";
    /** Scrapes whose read of the local ledgers failed (they export no per-ledger series). */
    public static final String LEDGER_READ_FAILURES = "payback.ledger.read.failures";

    private static final Logger log = LoggerFactory.getLogger(PrometheusMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final PrometheusEndpoint endpoint = new PrometheusEndpoint(registry, this::refreshLedgers);
    private final Counter ledgerReadFailures;
    private volatile LedgerGauges ledgers;
    private KafkaStreamsMetrics streams;

    /**
     * @param stages the dead-letter stages, each exported from the start (at 0), so a rate over it is defined
     * @param definitionTopics the global topics whose skipped records are counted, likewise
     */
    public PrometheusMetrics(String applicationId, PaybackMetrics counts, Collection<String> stages,
                             Collection<String> definitionTopics) {
        registry.config().commonTags("application", applicationId);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (String stage : stages) {
            FunctionCounter.builder(DEAD_LETTERS, counts, c -> c.getDeadLettersByStage().getOrDefault(stage, 0L))
                    .description("Records this instance sent to the DLQ, by stage (late: events after their window's grace)")
                    .tag("stage", stage).register(registry);
        }
        for (String topic : definitionTopics) {
            FunctionCounter.builder(DEFINITIONS_SKIPPED, counts,
                            c -> c.getDefinitionsSkippedByTopic().getOrDefault(topic, 0L))
                    .description("Records of the global definition topics skipped as unreadable or invalid")
                    .tag("topic", topic).register(registry);
        }
        ledgerReadFailures = Counter.builder(LEDGER_READ_FAILURES)
                .description("Scrapes that could not read the local ledgers, so exported no per-ledger series")
                .register(registry);
    }

    /** The registry, for other components' meters (they appear in the same scrape). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Exports Kafka Streams' client metrics (threads, tasks, clients) from now on. */
    public synchronized PrometheusMetrics bindStreams(KafkaStreams kafkaStreams) {
        if (streams != null) {
            streams.close();
        }
        streams = new KafkaStreamsMetrics(kafkaStreams);
        streams.bindTo(registry);
        return this;
    }

    /** Exports per-ledger gauges read from {@code source} at every scrape. */
    public PrometheusMetrics bindLedgers(LedgerSource source) {
        ledgers = new LedgerGauges(registry, source);
        return this;
    }

    public PrometheusEndpoint endpoint() {
        return endpoint;
    }

    private void refreshLedgers() {
        LedgerGauges gauges = ledgers;
        if (gauges == null) {
            return;
        }
        try {
            gauges.refresh();
        } catch (RuntimeException e) {
            // The scrape still answers: the JVM and Kafka meters matter most when this breaks. Without the ledgers:
            // the last figures may be of ledgers another instance owns and exports now
            ledgerReadFailures.increment();
            gauges.clear();
            log.warn("Cannot read the local ledgers for the per-ledger gauges; exporting none until they can be read", e);
        }
    }

    @Override
    public synchronized void close() {
        if (streams != null) {
            streams.close();
        }
        gc.close();
        registry.close();
    }
}
