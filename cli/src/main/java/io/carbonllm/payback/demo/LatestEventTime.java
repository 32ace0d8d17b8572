package io.carbonllm.payback.demo;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The latest event time among the last records of each partition of the input topic, as the app would take it. */
public final class LatestEventTime {

    /** How many records from the end of each partition are looked at: poison and stragglers are skipped. */
    private static final int TAIL = 200;

    private LatestEventTime() {
    }

    /**
     * @param notAfter event times after this are ignored: the app sends them to the DLQ without moving stream time
     */
    public static Optional<Instant> in(String bootstrapServers, SchemaRegistryClient registry, String topic, Instant notAfter) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        AvroDeserializer<InferenceEvent> events = new AvroDeserializer<>(registry, InferenceEvent.class);
        Instant latest = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            for (TopicPartition p : partitions) {
                consumer.seek(p, Math.max(begin.get(p), end.get(p) - TAIL));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Instant time = eventTime(events, topic, record.value());
                    if (time != null && !time.isAfter(notAfter) && (latest == null || time.isAfter(latest))) {
                        latest = time;
                    }
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    private static Instant eventTime(AvroDeserializer<InferenceEvent> events, String topic, byte[] value) {
        try {
            InferenceEvent event = events.deserialize(topic, value);
            return event == null ? null : event.getEventTime();
        } catch (RuntimeException unreadable) {
            return null;   // poison: the app dead-letters it without moving stream time
        }
    }
}
