package io.carbonllm.payback.streams.alerts;

import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the alert transitions of {@code payback-alerts} to a webhook, at least once, in order per alert.
 *
 * <p>It is a consumer of its own group ({@link AlertWebhookConfig#groupId()}), reading committed records only, that
 * commits a record's offset only once the webhook answered 2xx for it. A transition read but not yet delivered when
 * the process stops (or is killed) is read again by whoever owns its partition next, and posted again with the same
 * {@value #IDEMPOTENCY_KEY_HEADER} (alert id + transition), so a receiver that remembers keys sees it once. A failed
 * attempt (a non-2xx answer, a timeout, a connection error) is retried after {@link AlertWebhookConfig#backoffAfter}
 * (doubling up to the maximum) for ever, unless {@code max.attempts} is set; later transitions of the same partition
 * wait behind it, so a RESOLVED never overtakes its FIRING. While it waits the consumer keeps polling (its partitions
 * paused), so it stays in its group.
 *
 * <p>Counted on the app's registry: {@value #DELIVERIES} by outcome (delivered, abandoned, unreadable),
 * {@value #FAILURES} (failed attempts) by reason (http_4xx, http_5xx, http_3xx, timeout, io), and {@value #PENDING}.
 */
public final class AlertWebhookSink implements AutoCloseable {

    public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    /** Transitions done with, by outcome: delivered (2xx), abandoned (max.attempts reached), unreadable. */
    public static final String DELIVERIES = "payback.alert.webhook.deliveries";
    /** Failed attempts, by reason. */
    public static final String FAILURES = "payback.alert.webhook.failures";
    /** Transitions read and not yet delivered. */
    public static final String PENDING = "payback.alert.webhook.pending";

    private static final Logger log = LoggerFactory.getLogger(AlertWebhookSink.class);
    private static final long IDLE_POLL_MS = 500;

    private final AlertWebhookConfig config;
    private final Consumer<String, PaybackAlert> consumer;
    private final String topic;
    private final HttpClient http;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final Thread thread;
    /** Only the sink's thread touches this (the rebalance listener runs inside its poll). */
    private final Map<TopicPartition, Deque<Pending>> pending = new LinkedHashMap<>();
    private volatile boolean running = true;
    private volatile boolean started;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private long pollNotBeforeNanos = System.nanoTime();
    private int readFailures;

    /** A transition read, not yet delivered; {@code alert} is null for a record that could not be read. */
    private static final class Pending {
        final TopicPartition partition;
        final long offset;
        final PaybackAlert alert;
        final String key;
        final String body;
        int failures;
        long dueNanos = System.nanoTime();

        Pending(TopicPartition partition, long offset, PaybackAlert alert, String key, String body) {
            this.partition = partition;
            this.offset = offset;
            this.alert = alert;
            this.key = key;
            this.body = body;
        }
    }

    AlertWebhookSink(AlertWebhookConfig config, Consumer<String, PaybackAlert> consumer, String topic,
                     MeterRegistry registry) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("the alert webhook has no URL (" + AlertWebhookConfig.URL_CONFIG + ")");
        }
        this.config = config;
        this.consumer = consumer;
        this.topic = topic;
        this.registry = registry;
        this.http = HttpClient.newBuilder().connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        for (String outcome : List.of("delivered", "abandoned", "unreadable")) {
            counter(DELIVERIES, "outcome", outcome);
        }
        for (String reason : List.of("http_4xx", "http_5xx", "timeout", "io")) {
            counter(FAILURES, "reason", reason);
        }
        Gauge.builder(PENDING, pendingCount, AtomicInteger::get)
                .description("Alert transitions read from payback-alerts and not yet delivered to the webhook")
                .register(registry);
        this.thread = new Thread(this::run, "payback-alert-webhook");
        this.thread.setDaemon(true);
    }

    /**
     * A sink reading {@code topic} with the app's client settings ({@code clientProps}: the consumer keys among them,
     * such as {@code bootstrap.servers} and {@code security.protocol}), then the {@code payback.alerts.webhook.consumer.*}
     * overrides; the group, the offset handling and the isolation level are the sink's own.
     */
    public static AlertWebhookSink create(AlertWebhookConfig config, Map<String, ?> clientProps, String topic,
                                          Deserializer<PaybackAlert> values, MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>();
        Set<String> consumerKeys = ConsumerConfig.configNames();
        clientProps.forEach((key, value) -> {
            if (consumerKeys.contains(key) && !AlertWebhookConfig.ownedConsumerKey(key)
                    && !key.equals(ConsumerConfig.CLIENT_ID_CONFIG)) {
                props.put(key, value);
            }
        });
        config.consumerOverrides().forEach((key, value) -> {
            if (!AlertWebhookConfig.ownedConsumerKey(key)) {
                props.put(key, value);
            }
        });
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.autoOffsetReset());
        Consumer<String, PaybackAlert> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values);
        return new AlertWebhookSink(config, consumer, topic, registry);
    }

    public AlertWebhookSink start() {
        started = true;
        thread.start();
        log.info("Delivering alert transitions of {} to {} ({} format, consumer group {})", topic, config.target(),
                config.format().configValue(), config.groupId());
        return this;
    }

    /** Stops reading and posting; what was read but not delivered is left uncommitted, for the next reader. */
    @Override
    public void close() {
        running = false;
        stopping.countDown();
        if (!started) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            return;
        }
        consumer.wakeup();
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            int failures = 0;
            while (running) {
                try {
                    poll();
                    pauseBusyPartitions();
                    deliverDue();
                    failures = 0;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // Nothing undelivered is committed: keep going rather than leave the instance without a sink
                    Duration wait = config.backoffAfter(++failures);
                    log.error("The alert webhook failed reading or committing; carrying on in {} ms", wait.toMillis(), e);
                    sleep(wait);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("The alert webhook's consumer was woken up while running; it stops", e);
            }
        } finally {
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (RuntimeException e) {
                log.warn("Closing the alert webhook's consumer failed", e);
            }
        }
    }

    /** Waits, or less if the sink is closed meanwhile. */
    private void sleep(Duration wait) {
        try {
            stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void poll() {
        long waitMs = Math.max(0, Math.min(IDLE_POLL_MS, millisUntilNextDue()));
        long blockedMs = (pollNotBeforeNanos - System.nanoTime()) / 1_000_000;
        if (blockedMs > 0) {
            // The registry failed us on the last read: keep the group membership alive, read nothing
            Set<TopicPartition> assigned = consumer.assignment();
            consumer.pause(assigned);
            consumer.poll(Duration.ofMillis(Math.min(blockedMs, IDLE_POLL_MS)));
            return;
        }
        ConsumerRecords<String, PaybackAlert> records;
        try {
            records = consumer.poll(Duration.ofMillis(waitMs));
        } catch (RecordDeserializationException e) {
            unreadable(e);
            return;
        }
        readFailures = 0;
        for (ConsumerRecord<String, PaybackAlert> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            PaybackAlert alert = record.value();
            if (alert == null) {
                enqueue(new Pending(tp, record.offset(), null, null, null));
            } else {
                enqueue(new Pending(tp, record.offset(), alert, AlertPayloads.idempotencyKey(alert),
                        AlertPayloads.payload(config.format(), alert, config.applicationId())));
            }
        }
    }

    /**
     * A record that cannot be read: when the registry is unreachable it is read again after a backoff; otherwise
     * (bytes that are not a PaybackAlert) it is skipped in its turn, counted as unreadable and logged.
     */
    private void unreadable(RecordDeserializationException e) {
        TopicPartition tp = e.topicPartition();
        if (isRegistryOutage(e)) {
            readFailures++;
            Duration wait = config.backoffAfter(readFailures);
            log.warn("Cannot read {} offset {}: the schema registry is unavailable; reading it again in {} ms", tp,
                    e.offset(), wait.toMillis(), e);
            consumer.seek(tp, e.offset());
            pollNotBeforeNanos = System.nanoTime() + wait.toNanos();
            return;
        }
        log.error("Skipping {} offset {}: not a readable PaybackAlert", tp, e.offset(), e);
        consumer.seek(tp, e.offset() + 1);
        enqueue(new Pending(tp, e.offset(), null, null, null));
    }

    private static boolean isRegistryOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException.Unavailable) {
                return true;
            }
        }
        return false;
    }

    private void enqueue(Pending p) {
        pending.computeIfAbsent(p.partition, t -> new ArrayDeque<>()).addLast(p);
        pendingCount.incrementAndGet();
    }

    /** Partitions with transitions waiting are paused, so memory stays bounded and order is kept; the others read. */
    private void pauseBusyPartitions() {
        Set<TopicPartition> assigned = consumer.assignment();
        List<TopicPartition> busy = new ArrayList<>();
        List<TopicPartition> idle = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            Deque<Pending> queue = pending.get(tp);
            (queue == null || queue.isEmpty() ? idle : busy).add(tp);
        }
        consumer.pause(busy);
        consumer.resume(idle);
    }

    private long millisUntilNextDue() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Deque<Pending> queue : pending.values()) {
            Pending head = queue.peekFirst();
            if (head != null) {
                next = Math.min(next, Math.max(0, (head.dueNanos - now) / 1_000_000));
            }
        }
        return next;
    }

    /** Each partition's transitions in order, as long as they are due and the webhook takes them. */
    private void deliverDue() {
        for (Deque<Pending> queue : new ArrayList<>(pending.values())) {
            for (Pending head = queue.peekFirst(); head != null && running && head.dueNanos <= System.nanoTime();
                 head = queue.peekFirst()) {
                if (head.alert == null) {
                    count(DELIVERIES, "outcome", "unreadable");
                    done(queue, head);
                } else if (attempt(head)) {
                    count(DELIVERIES, "outcome", "delivered");
                    done(queue, head);
                } else if (config.maxAttempts() > 0 && head.failures >= config.maxAttempts()) {
                    log.error("Giving up alert transition {} after {} attempts ({}); it is not delivered",
                            head.key, head.failures, AlertWebhookConfig.MAX_ATTEMPTS_CONFIG);
                    count(DELIVERIES, "outcome", "abandoned");
                    done(queue, head);
                } else {
                    Duration wait = config.backoffAfter(head.failures);
                    head.dueNanos = System.nanoTime() + wait.toNanos();
                    log.warn("Alert transition {} not delivered to {} (attempt {}); next attempt in {} ms", head.key,
                            config.target(), head.failures, wait.toMillis());
                    break;
                }
            }
        }
    }

    /** One POST; true on a 2xx answer. */
    private boolean attempt(Pending p) {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.url())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header(IDEMPOTENCY_KEY_HEADER, p.key)
                .POST(HttpRequest.BodyPublishers.ofString(p.body));
        if (config.bearerToken() != null && !config.bearerToken().value().isEmpty()) {
            request.header("Authorization", "Bearer " + config.bearerToken().value());
        }
        String reason;
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return true;
            }
            reason = "http_" + (status / 100) + "xx";
        } catch (HttpTimeoutException e) {
            reason = "timeout";
        } catch (IOException e) {
            reason = "io";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return false;
        }
        p.failures++;
        count(FAILURES, "reason", reason);
        return false;
    }

    /** Delivered (or given up): its offset is committed now, so a restart resumes after it. */
    private void done(Deque<Pending> queue, Pending p) {
        queue.pollFirst();
        pendingCount.decrementAndGet();
        try {
            consumer.commitSync(Map.of(p.partition, new OffsetAndMetadata(p.offset + 1)));
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // Delivered but not committed: a later commit covers it, or the next owner posts it again (same key)
            log.warn("Cannot commit {} offset {} after delivering it; it may be delivered again", p.partition,
                    p.offset, e);
        }
    }

    private void count(String name, String tag, String value) {
        counter(name, tag, value).increment();
    }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + "|" + value, k -> Counter.builder(name).tag(tag, value)
                .description(name.equals(DELIVERIES) ? "Alert transitions the webhook is done with, by outcome"
                        : "Failed attempts to post an alert transition to the webhook, by reason")
                .register(registry));
    }

    /** Transitions of partitions that move away are dropped here, uncommitted: the new owner delivers them. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // A partition this group never committed starts where auto.offset.reset says; commit that start at once,
            // so a restart resumes there rather than resetting again (with latest, past what was published meanwhile)
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            Map<TopicPartition, OffsetAndMetadata> starts = new HashMap<>();
            for (TopicPartition tp : partitions) {
                if (committed.get(tp) == null) {
                    starts.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                }
            }
            if (!starts.isEmpty()) {
                consumer.commitSync(starts);
            }
        }

        private void drop(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                Deque<Pending> queue = pending.remove(tp);
                if (queue != null) {
                    pendingCount.addAndGet(-queue.size());
                }
            }
        }
    }
}
