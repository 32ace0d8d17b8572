package io.carbonllm.payback.streams.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@link LiveFeed} from the app's own output topics, {@code payback-status} and {@code payback-alerts}: a plain
 * consumer with no group that is assigned every partition of both, reading committed records only (what the engine's
 * transactions published). Every instance runs one, so a client connected to any instance sees the changes of every
 * comparison, whichever instance computes them (docs/architecture.md says why not a hook in the engine).
 *
 * <p>It starts a little before the end of each partition (the replay buffer's share of it), so that a client which
 * reconnects just after a restart can still be replayed what it missed. A record the schema registry cannot resolve
 * now is read again after a pause; one that cannot be read at all is skipped, with a warning.
 */
final class LiveSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveSource.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long REGISTRY_RETRY_MS = 1_000;
    private static final long RESTART_MS = 2_000;

    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Deserializer<PaybackStatus> statuses;
    private final Deserializer<PaybackAlert> alerts;
    private final LiveFeed feed;
    private final int replayEvents;
    private final ObjectMapper json;
    private final AlertHistory history;
    private final Thread thread;
    private volatile boolean running = true;
    /** Per topic and partition, the offset from which records go to the feed (alerts before it only to the history). */
    private long[][] publishFrom;
    /** Per alerts partition, the next offset the history has not seen: a restart of the source adds nothing twice. */
    private long[] historyNext = new long[0];
    /** The alerts partitions' end offsets when the source (last) started: the history is whole once read up to them. */
    private Map<TopicPartition, Long> historyEnd = Map.of();

    LiveSource(Consumer<byte[], byte[]> consumer, String statusTopic, String alertsTopic,
               Deserializer<PaybackStatus> statuses, Deserializer<PaybackAlert> alerts, LiveFeed feed, int replayEvents,
               AlertHistory history, ObjectMapper json) {
        this.consumer = consumer;
        this.topics = List.of(statusTopic, alertsTopic); // in the order of LiveFeed.STATUS, LiveFeed.ALERTS
        this.statuses = statuses;
        this.alerts = alerts;
        this.feed = feed;
        this.replayEvents = replayEvents;
        this.history = history;
        this.json = json;
        this.thread = new Thread(this::run, "payback-live-source");
        this.thread.setDaemon(true);
    }

    /**
     * A source with the app's client settings ({@code clientProps}: the consumer keys among them, such as
     * {@code bootstrap.servers} and the security settings); it has no group and commits nothing.
     */
    static LiveSource create(Map<String, ?> clientProps, String clientId, String statusTopic, String alertsTopic,
                             Deserializer<PaybackStatus> statuses, Deserializer<PaybackAlert> alerts, LiveFeed feed,
                             int replayEvents, AlertHistory history, ObjectMapper json) {
        Map<String, Object> props = consumerProperties(clientProps, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new LiveSource(new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                statusTopic, alertsTopic, statuses, alerts, feed, replayEvents, history, json);
    }

    /**
     * The consumer settings of the app's client settings (its bootstrap servers and security keys, nothing else), with
     * no consumer group and {@code clientId}: for the readers of the app's own topics that commit nothing.
     */
    static Map<String, Object> consumerProperties(Map<String, ?> clientProps, String clientId) {
        Map<String, Object> props = new HashMap<>();
        Set<String> consumerKeys = ConsumerConfig.configNames();
        clientProps.forEach((key, value) -> {
            if (consumerKeys.contains(key)) {
                props.put(key, value);
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    LiveSource start() {
        thread.start();
        return this;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (running) {
                try {
                    follow();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A broker out of reach at start-up (a timeout), or anything unexpected: start over rather than
                    // leave the instance without a stream; clients reconnecting with an older id get a reset
                    log.warn("Live stream: reading the output topics failed; starting again in {} ms",
                            RESTART_MS, e);
                    Thread.sleep(RESTART_MS);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("Live stream: the source was woken up unexpectedly; /api/stream gets no more changes", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Assigns the partitions, then hands every record to the feed until closed. */
    private void follow() throws InterruptedException {
        long[][] start = assign();
        if (start == null) {
            return;
        }
        publishFrom = start;
        feed.begin(start);
        recordCatchUp();
        log.info("Live stream: reading {} and {} ({} and {} partitions) from near their ends", topics.get(0),
                topics.get(1), start[LiveFeed.STATUS].length, start[LiveFeed.ALERTS].length);
        while (running) {
            Set<TopicPartition> retry = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (retry.contains(tp)) {
                    continue;
                }
                if (!handle(record)) {
                    retry.add(tp);
                    consumer.seek(tp, record.offset());
                }
            }
            recordCatchUp();
            if (!retry.isEmpty()) {
                Thread.sleep(REGISTRY_RETRY_MS);
            }
        }
    }

    /**
     * Assigns every partition of both topics once they exist; the offsets the feed starts from, or null if closed first.
     * The alerts are read from their beginning, for the history; only those from the returned offsets on are published.
     */
    private long[][] assign() throws InterruptedException {
        long[][] start = new long[topics.size()][];
        List<TopicPartition> all = new ArrayList<>();
        for (int t = 0; t < topics.size(); t++) {
            List<PartitionInfo> partitions = List.of();
            while (running) {
                // Throws a TimeoutException while the broker is out of reach: run() starts again
                partitions = consumer.partitionsFor(topics.get(t), Duration.ofSeconds(10));
                if (partitions != null && !partitions.isEmpty()) {
                    break;
                }
                Thread.sleep(1_000);
            }
            if (!running) {
                return null;
            }
            start[t] = new long[partitions.size()];
            for (PartitionInfo p : partitions) {
                all.add(new TopicPartition(topics.get(t), p.partition()));
            }
        }
        consumer.assign(all);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(all);
        Map<TopicPartition, Long> end = consumer.endOffsets(all);
        Map<TopicPartition, Long> alertsEnd = new HashMap<>();
        end.forEach((tp, offset) -> {
            if (tp.topic().equals(topics.get(LiveFeed.ALERTS))) {
                alertsEnd.put(tp, offset);
            }
        });
        historyEnd = alertsEnd;
        int share = Math.max(1, replayEvents / Math.max(1, all.size()));
        for (TopicPartition tp : all) {
            int t = topics.indexOf(tp.topic());
            long from = replayEvents == 0 ? end.get(tp) : Math.max(begin.get(tp), end.get(tp) - share);
            start[t][tp.partition()] = from;
            consumer.seek(tp, t == LiveFeed.ALERTS ? begin.get(tp) : from);
        }
        return start;
    }

    /**
     * Tells the history once this source has read every alerts partition up to the end offset it saw when it started
     * (read_committed: the last stable offset), so that a timeline read before then says it may be partial.
     */
    private void recordCatchUp() {
        if (history.isCaughtUp()) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> end : historyEnd.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return;
            }
        }
        history.caughtUp();
        log.info("Live stream: the alert history has read {} up to the end offsets seen at start", topics.get(1));
    }

    /** Publishes one record; false when the registry is unreachable and it should be read again. */
    private boolean handle(ConsumerRecord<byte[], byte[]> record) {
        int topic = topics.indexOf(record.topic());
        try {
            LiveFeed.Change change = topic == LiveFeed.STATUS ? status(record) : alert(record);
            if (change != null && record.offset() >= publishFrom[topic][record.partition()]) {
                feed.publish(change);
            }
            return true;
        } catch (RuntimeException e) {
            if (registryUnavailable(e)) {
                log.warn("Live stream: the schema registry is unreachable reading {}-{} at offset {}; trying again",
                        record.topic(), record.partition(), record.offset(), e);
                return false;
            }
            log.warn("Live stream: skipping an unreadable record of {}-{} at offset {}", record.topic(),
                    record.partition(), record.offset(), e);
            return true;
        }
    }

    private LiveFeed.Change status(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            // A retired ledger (its comparison or candidate was deleted)
            int slash = key.lastIndexOf('/');
            if (slash < 0) {
                return null;
            }
            ObjectNode data = json.createObjectNode();
            data.put("comparisonId", key.substring(0, slash));
            data.put("candidateId", key.substring(slash + 1));
            return change(record, LiveFeed.EVENT_STATUS_REMOVED, key.substring(0, slash), data);
        }
        PaybackStatus status = statuses.deserialize(record.topic(), record.headers(), record.value());
        ObjectNode data = Summaries.of(status);
        data.put("useCase", status.getUseCase());
        data.put("publishedAt", Instant.ofEpochMilli(record.timestamp()).toString());
        return change(record, LiveFeed.EVENT_STATUS, status.getComparisonId(), data);
    }

    private LiveFeed.Change alert(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        PaybackAlert alert = alerts.deserialize(record.topic(), record.headers(), record.value());
        if (record.partition() >= historyNext.length) {
            historyNext = Arrays.copyOf(historyNext, record.partition() + 1);
        }
        if (record.offset() >= historyNext[record.partition()]) {
            history.add(alert);
            historyNext[record.partition()] = record.offset() + 1;
        }
        return change(record, LiveFeed.EVENT_ALERT, alert.getComparisonId(), AvroJson.toJson(alert));
    }

    private LiveFeed.Change change(ConsumerRecord<byte[], byte[]> record, String event, String comparisonId,
                                   ObjectNode data) {
        try {
            return new LiveFeed.Change(topics.indexOf(record.topic()), record.partition(), record.offset(), event,
                    comparisonId, json.writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + event + " as JSON", e);
        }
    }

    private static boolean registryUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException.Unavailable) {
                return true;
            }
        }
        return false;
    }
}
