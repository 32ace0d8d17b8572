package io.carbonllm.payback.sdk;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.RegistryClientConfig;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.sdk.internal.Counters;
import io.carbonllm.payback.sdk.internal.EventQueue;
import io.carbonllm.payback.sdk.internal.Outgoing;
import io.carbonllm.payback.sdk.internal.Sender;
import io.carbonllm.payback.sdk.internal.Spool;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one {@link InferenceEvent} per LLM request, and one-off training runs, without ever slowing the caller:
 * {@link #record} validates the event, puts it on a bounded queue and returns; one background thread serializes
 * (registry lookups included) and sends with an idempotent {@code acks=all} producer that retries while the broker is
 * away. A full queue drops per the {@link OverflowPolicy}, counted. Thread-safe: share one per gateway process.
 *
 * <p>The guarantees, and what is lost when, are in {@code docs/producer-sdk.md}.
 */
public final class PaybackTracker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PaybackTracker.class);
    private static final long DEFAULT_SPOOL_MAX_BYTES = 1L << 30;
    private static final long MIN_SPOOL_BYTES = 1L << 20;

    private final EventQueue queue;
    private final OverflowPolicy overflow;
    private final Counters counters;
    private final Sender sender;
    private final Thread senderThread;
    private final Producer<byte[], byte[]> producer;
    private final Spool spool;
    private final SchemaRegistryClient registry;
    private final boolean ownsRegistry;
    private final String eventsTopic;
    private final String runsTopic;
    private final String gateway;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PaybackTracker(Builder b, Counters counters, Spool spool, Producer<byte[], byte[]> producer,
                           SchemaRegistryClient registry, boolean ownsRegistry) {
        this.queue = counters.queue();
        this.overflow = b.overflow;
        this.counters = counters;
        this.spool = spool;
        this.producer = producer;
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.eventsTopic = b.eventsTopic;
        this.runsTopic = b.runsTopic;
        this.gateway = b.gateway;
        this.clock = b.clock;
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(registry, false);
        this.sender = new Sender(queue, producer, (topic, out) -> serializer.serialize(topic, out.value()), counters,
                spool);
        this.senderThread = new Thread(sender, "payback-tracker-sender");
        this.senderThread.setDaemon(true);
        this.senderThread.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Queues the event, keyed by its use case; never blocks. Returns false if it was not queued: the tracker is closed,
     * or the queue is full and the policy is {@link OverflowPolicy#DROP_NEWEST} (both counted).
     *
     * @throws IllegalArgumentException naming the field, for an event no tracker should send (negative tokens, a
     *                                  blank use case or model, energy that is not a finite non-negative number)
     */
    public boolean record(InferenceEvent event) {
        Validation.check(event);
        return enqueue(eventsTopic, event.getUseCase(), event);
    }

    /** A request described field by field; {@link RequestRecorder#record()} records it. */
    public RequestRecorder request() {
        return new RequestRecorder(this, gateway, clock);
    }

    /**
     * Queues a one-off run (a training run, an index build), keyed by its run id; never blocks.
     *
     * @throws IllegalArgumentException naming every field the streams app would refuse (the same checks)
     */
    public boolean recordTrainingRun(TrainingRun run) {
        Objects.requireNonNull(run, "run");
        List<String> problems = TrainingRuns.problems(run);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid training run " + run.getRunId() + ": "
                    + String.join("; ", problems));
        }
        return enqueue(runsTopic, run.getRunId(), run);
    }

    /** What {@link #record} would refuse {@code event} for, naming the field; null when it passes. */
    public static String problemWith(InferenceEvent event) {
        try {
            Validation.check(event);
            return null;
        } catch (IllegalArgumentException | NullPointerException e) {
            return e.getMessage();
        }
    }

    /**
     * Queues all of {@code events} or none: a receiver (the OTLP endpoint) can refuse a batch whole, with a retry hint,
     * rather than queue half of it. Returns false, queuing nothing and counting nothing, when the queue lacks room for
     * all of them or the tracker is closed. Each event is validated first, as {@link #record} does.
     */
    public boolean recordAll(List<InferenceEvent> events) {
        events.forEach(Validation::check);
        if (closed.get() || !queue.tryReserve(events.size())) {
            return false;
        }
        for (InferenceEvent event : events) {
            queue.put(new Outgoing(eventsTopic, event.getUseCase(), event, System.nanoTime()));
            counters.onRecorded();
        }
        return true;
    }

    /** Allocates only once a place is reserved: a drop costs the caller a counter increment and nothing else. */
    private boolean enqueue(String topic, String key, SpecificRecord value) {
        if (closed.get()) {
            counters.onDropped(DropCause.CLOSED);
            return false;
        }
        if (!queue.tryReserve()) {
            // Counted here; the sender warns (rate-limited), so that no caller ever waits on a log appender
            if (overflow == OverflowPolicy.DROP_NEWEST) {
                counters.onDropped(DropCause.QUEUE_FULL);
                return false;
            }
            // DROP_OLDEST: make room, then try again (another caller may take the room first: then this one goes)
            if (queue.poll() != null) {
                counters.onDropped(DropCause.QUEUE_FULL);
            }
            if (!queue.tryReserve()) {
                counters.onDropped(DropCause.QUEUE_FULL);
                return false;
            }
        }
        queue.put(new Outgoing(topic, key, value, System.nanoTime()));
        counters.onRecorded();
        return true;
    }

    public TrackerMetrics metrics() {
        return counters;
    }

    /** How many more events the queue takes now: a receiver can refuse a batch whole rather than queue half of it. */
    public int remainingCapacity() {
        return queue.remainingCapacity();
    }

    /** Closes with a 30 s timeout. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Stops accepting, sends what is queued, and waits for Kafka's acknowledgements, all within {@code timeout}. What
     * is still queued or unacknowledged then is counted as {@link DropCause#NOT_DELIVERED_AT_CLOSE} and reported.
     */
    public CloseReport close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return report();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            long left = sender.stop(deadline);
            counters.onDropped(DropCause.NOT_DELIVERED_AT_CLOSE, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Waits for what is in flight up to the deadline; what is left fails its callbacks (counted there)
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (spool != null) {
            sender.spoolLeftovers();
            spool.close();
        }
        if (ownsRegistry) {
            registry.close();
        }
        CloseReport report = report();
        if (!report.complete()) {
            log.warn("Payback tracker closed with {} events not delivered within {}", report.undelivered(), timeout);
        }
        if (report.spooled() > 0) {
            log.info("Payback tracker closed with {} events in its spool: the next tracker on it sends them",
                    report.spooled());
        }
        return report;
    }

    private CloseReport report() {
        return new CloseReport(counters.sent(), counters.dropped().get(DropCause.NOT_DELIVERED_AT_CLOSE),
                counters.spoolDepth());
    }

    /** Configuration; {@link #build()} checks it and says what is wrong. */
    public static final class Builder {
        private final Map<String, Object> producerProps = new HashMap<>();
        private final Map<String, Object> registryProps = new HashMap<>();
        private SchemaRegistryClient registry;
        private Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory =
                props -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        private String eventsTopic = TopicNames.INFERENCE_EVENTS;
        private String runsTopic = TopicNames.TRAINING_RUNS;
        private String gateway = "gateway";
        private int queueCapacity = 100_000;
        private OverflowPolicy overflow = OverflowPolicy.DROP_NEWEST;
        private Clock clock = Clock.systemUTC();
        private Path spoolDirectory;
        private long spoolMaxBytes = DEFAULT_SPOOL_MAX_BYTES;
        private long spoolSegmentBytes = 16L << 20;

        private Builder() {
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            producerProps.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "payback-tracker");
            // Retried by the producer until delivered (the broker may be away for minutes); the bound is the queue
            producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
            // Blocks only the sender thread, which then retries the same record
            producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 250);
        }

        public Builder bootstrapServers(String servers) {
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            return this;
        }

        /** The Confluent-compatible registry; with Apicurio, the URL ends in {@code /apis/ccompat/v7}. */
        public Builder schemaRegistryUrl(String url) {
            registryProps.put(RegistryClientConfig.URL_CONFIG, url);
            return this;
        }

        /** A registry client to share (closed by its owner, not by the tracker). */
        public Builder schemaRegistry(SchemaRegistryClient client) {
            this.registry = client;
            return this;
        }

        /**
         * Client properties, as Kafka's own tools take them ({@code --command-config}): producer settings such as
         * {@code security.protocol}, {@code sasl.*} and {@code ssl.*} pass to the producer untouched, and
         * {@code schema.registry.*} and {@code basic.auth.*} / {@code bearer.auth.*} settings to the registry client.
         */
        public Builder clientProperties(Properties props) {
            props.forEach((k, v) -> {
                String key = k.toString();
                if (key.startsWith("schema.registry.") || key.startsWith("basic.auth.") || key.startsWith("bearer.auth.")) {
                    registryProps.put(key, v);
                } else {
                    producerProps.put(key, v);
                }
            });
            return this;
        }

        /** Any one Kafka producer property. */
        public Builder producerProperty(String key, Object value) {
            producerProps.put(key, value);
            return this;
        }

        public Builder topic(String topic) {
            this.eventsTopic = requireText(topic, "topic");
            return this;
        }

        public Builder trainingRunsTopic(String topic) {
            this.runsTopic = requireText(topic, "trainingRunsTopic");
            return this;
        }

        /** The gateway name {@link #request()} stamps on its events. */
        public Builder gateway(String gateway) {
            this.gateway = requireText(gateway, "gateway");
            return this;
        }

        /** Events held in memory while Kafka is slow or away (default 100,000). */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * Turns the on-disk spool on (it is off by default): every event goes from the queue to segment files in
         * {@code directory} and is sent from there, in order, and deleted once Kafka has acknowledged it. While the
         * broker is away the spool fills instead of the queue; what is not acknowledged at close or at a crash is sent
         * by the next tracker built on the same directory. One tracker per directory.
         */
        public Builder spoolDirectory(Path directory) {
            this.spoolDirectory = Objects.requireNonNull(directory, "spoolDirectory");
            return this;
        }

        /** The most the spool's files may take (default 1 GiB); a full spool drops the newest events, counted. */
        public Builder spoolMaxBytes(long maxBytes) {
            this.spoolMaxBytes = maxBytes;
            return this;
        }

        /** For tests: the size at which the spool starts a new segment file. */
        Builder spoolSegmentBytes(long bytes) {
            this.spoolSegmentBytes = bytes;
            return this;
        }

        public Builder overflowPolicy(OverflowPolicy policy) {
            this.overflow = Objects.requireNonNull(policy, "overflowPolicy");
            return this;
        }

        /** The clock {@link #request()} stamps event time with (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** For tests: the producer to send with, given the producer properties. */
        Builder producerFactory(Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
            this.producerFactory = factory;
            return this;
        }

        public PaybackTracker build() {
            if (!producerProps.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("PaybackTracker needs bootstrapServers(...) (bootstrap.servers)");
            }
            if (registry == null && !registryProps.containsKey(RegistryClientConfig.URL_CONFIG)) {
                throw new IllegalArgumentException("PaybackTracker needs schemaRegistryUrl(...) or schemaRegistry(...)");
            }
            if (queueCapacity < 1 || queueCapacity > 10_000_000) {
                throw new IllegalArgumentException("queueCapacity must be in [1, 10000000], got " + queueCapacity);
            }
            String acks = String.valueOf(producerProps.get(ProducerConfig.ACKS_CONFIG));
            if (!("all".equals(acks) || "-1".equals(acks))
                    || !Boolean.parseBoolean(String.valueOf(producerProps.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)))) {
                throw new IllegalArgumentException("PaybackTracker needs acks=all and enable.idempotence=true "
                        + "(no duplicates, no reordering per key); got acks=" + producerProps.get(ProducerConfig.ACKS_CONFIG)
                        + ", enable.idempotence=" + producerProps.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
            }
            if (spoolMaxBytes < MIN_SPOOL_BYTES) {
                throw new IllegalArgumentException("spoolMaxBytes must be at least " + MIN_SPOOL_BYTES + " (1 MiB), got "
                        + spoolMaxBytes);
            }
            if (spoolDirectory != null && !String.valueOf(Integer.MAX_VALUE).equals(
                    String.valueOf(producerProps.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)))) {
                throw new IllegalArgumentException("with spoolDirectory, delivery.timeout.ms must stay unbounded ("
                        + Integer.MAX_VALUE + "), got " + producerProps.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)
                        + ": a batch that expires during an outage would leave the spool as if it were delivered");
            }
            Counters counters = new Counters(new EventQueue(queueCapacity));
            boolean owns = registry == null;
            SchemaRegistryClient client = owns
                    ? new HttpSchemaRegistryClient(RegistryClientConfig.fromProperties(registryProps)) : registry;
            Producer<byte[], byte[]> producer = null;
            try {
                producer = producerFactory.apply(new HashMap<>(producerProps));
                // Last: a spool opened takes the directory's lock, which nothing below may leave held
                Spool spool = spoolDirectory == null ? null : Spool.open(spoolDirectory, spoolMaxBytes,
                        Math.min(spoolSegmentBytes, spoolMaxBytes / 4), counters);
                return new PaybackTracker(this, counters, spool, producer, client, owns);
            } catch (RuntimeException e) {
                if (producer != null) {
                    producer.close(Duration.ZERO);
                }
                if (owns) {
                    client.close();
                }
                throw e;
            }
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " is blank");
            }
            return value;
        }
    }
}
