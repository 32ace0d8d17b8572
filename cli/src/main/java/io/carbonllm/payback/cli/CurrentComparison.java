package io.carbonllm.payback.cli;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The definition a comparison id has now, read from the compacted comparisons topic by a short-lived consumer: it is
 * assigned every partition (no consumer group, nothing committed), reads from the beginning up to the end offsets
 * taken when it starts, and keeps the last value for the id; a tombstone means there is none. Only that value is
 * decoded, so a bad record under another id does not get in the way.
 */
final class CurrentComparison {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(200);

    private CurrentComparison() {
    }

    /** Throws an {@link IllegalStateException} saying where it looked when Kafka does not answer within the timeout. */
    static Optional<ComparisonDefinition> read(KafkaOptions kafka, String topic, String id, Duration timeout) {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "payback-cli-current-comparison");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (HttpSchemaRegistryClient registry = kafka.registryClient();
             AvroDeserializer<ComparisonDefinition> avro = new AvroDeserializer<>(registry, ComparisonDefinition.class);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                     new ByteArrayDeserializer())) {
            return lastValue(consumer, topic, id, timeout).map(bytes -> avro.deserialize(topic, bytes));
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not read the current definition of comparison '" + id + "' from topic "
                    + topic + " at " + kafka.bootstrapServers + " within " + timeout.toSeconds()
                    + " s (is Kafka running there?): " + e.getMessage(), e);
        }
    }

    /**
     * The last value for {@code key} up to the end offsets as they are now: empty when the topic does not exist, the
     * key never appears, or its last record is a tombstone.
     *
     * @throws TimeoutException when the reading takes longer than {@code timeout}
     */
    static Optional<byte[]> lastValue(Consumer<String, byte[]> consumer, String topic, String key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return Optional.empty();
        }
        List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, remaining(deadline)));
        end.keySet().removeIf(tp -> consumer.position(tp, remaining(deadline)) >= end.get(tp));
        byte[] last = null;
        while (!end.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("still short of the end offsets " + end + " after " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                Long endOffset = end.get(new TopicPartition(record.topic(), record.partition()));
                // Records published after the start are not part of the snapshot.
                if (endOffset != null && record.offset() < endOffset && key.equals(record.key())) {
                    last = record.value();
                }
            }
            end.keySet().removeIf(tp -> consumer.position(tp, remaining(deadline)) >= end.get(tp));
        }
        return Optional.ofNullable(last);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }
}
