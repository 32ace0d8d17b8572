package io.carbonllm.payback.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic as it is when the read starts: every committed record (read_committed, since the streams app
 * writes the DLQ in transactions under exactly-once) from the beginning to the end offsets taken at the start. Records
 * written meanwhile are left for the next run. No consumer group: nothing is committed.
 */
final class TopicSnapshot {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private TopicSnapshot() {
    }

    static Admin admin(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return Admin.create(props);
    }

    /** The topic's description, or empty when it does not exist. */
    static Optional<TopicDescription> describe(Admin admin, Map<String, Object> client, String topic) {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw unreachable(client, e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(client, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    static IllegalStateException unreachable(Map<String, Object> client, Throwable cause) {
        return new IllegalStateException("cannot reach Kafka at " + client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                + " (--bootstrap-servers) within "
                + TIMEOUT.toSeconds() + " s: " + cause.getMessage(), cause);
    }

    /**
     * Passes each record of {@code topic} to {@code each}, in offset order within each partition, and returns how many
     * it read. Every 2 s of reading it prints how far it got to {@code progress}.
     */
    static long read(Map<String, Object> client, TopicDescription topic, PrintWriter progress,
                     Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> partitions = topic.partitions().stream()
                .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "payback-dlq-" + topic.name());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, TIMEOUT);
            long total = 0;
            Set<TopicPartition> remaining = new HashSet<>();
            for (TopicPartition partition : partitions) {
                total += end.get(partition) - start.get(partition);
                if (end.get(partition) > start.get(partition)) {
                    remaining.add(partition);
                }
            }
            Map<TopicPartition, Long> lastPosition = new HashMap<>(start);
            long read = 0;
            long lastMove = System.nanoTime();
            long lastReport = System.nanoTime();
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                        read++;
                    }
                }
                for (TopicPartition partition : Set.copyOf(remaining)) {
                    long position = consumer.position(partition, TIMEOUT);
                    if (position != lastPosition.get(partition)) {
                        lastPosition.put(partition, position);
                        lastMove = System.nanoTime();
                    }
                    if (position >= end.get(partition)) {
                        remaining.remove(partition);
                    }
                }
                long now = System.nanoTime();
                if (!remaining.isEmpty() && now - lastMove > TIMEOUT.toNanos()) {
                    throw new IllegalStateException("reading " + topic.name() + " made no progress for "
                            + TIMEOUT.toSeconds() + " s (read " + read + " of " + total + " records); is the broker at "
                            + client.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + " up?");
                }
                if (!remaining.isEmpty() && now - lastReport > PROGRESS_EVERY_NANOS) {
                    progress.printf(Locale.ROOT, "  reading %s: %,d of about %,d records%n", topic.name(), read, total);
                    progress.flush();
                    lastReport = now;
                }
            }
            return read;
        }
    }
}
