package io.carbonllm.payback.streams.disclosure;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what a disclosure is made from: each topic whole, as it is when the read starts (read_committed, from the
 * beginning to the end offsets taken then), with no consumer group. The compacted topics keep the latest value per
 * key; a tombstone removes it.
 */
public final class DisclosureReader {

    /** The topics, by name. */
    public record TopicNames(String periodTotals, String periodRestatements, String paybackStatus,
                             String comparisons, String trainingRuns) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, Object> client;
    private final SchemaRegistryClient registry;
    private final TopicNames topics;

    /** @param client the Kafka client settings: bootstrap servers and any security keys */
    public DisclosureReader(Map<String, Object> client, SchemaRegistryClient registry, TopicNames topics) {
        this.client = Map.copyOf(client);
        this.registry = registry;
        this.topics = topics;
    }

    public DisclosureInputs read() {
        Map<String, DayTotal> totals = latest(topics.periodTotals(), DayTotal.class);
        Map<String, PeriodRestatement> restatements = latest(topics.periodRestatements(), PeriodRestatement.class);
        Map<String, PaybackStatus> statuses = latest(topics.paybackStatus(), PaybackStatus.class);
        Map<String, ComparisonDefinition> comparisons = latest(topics.comparisons(), ComparisonDefinition.class);
        Map<String, TrainingRun> runs = latest(topics.trainingRuns(), TrainingRun.class);
        return new DisclosureInputs(new ArrayList<>(totals.values()), new ArrayList<>(restatements.values()),
                statuses, comparisons, runs);
    }

    private <T extends SpecificRecord> Map<String, T> latest(String topic, Class<T> type) {
        AvroDeserializer<T> values = new AvroDeserializer<>(registry, type);
        StringDeserializer keys = new StringDeserializer();
        Map<String, T> latest = new LinkedHashMap<>();
        read(topic, record -> {
            String key = record.key() == null ? null : keys.deserialize(topic, record.key());
            if (key == null) {
                return;
            }
            if (record.value() == null) {
                latest.remove(key);
            } else {
                latest.put(key, values.deserialize(topic, record.value()));
            }
        });
        return latest;
    }

    private void read(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return; // not created yet: nothing written
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            long deadline = System.nanoTime() + TIMEOUT.toNanos() * 4;
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " took longer than "
                            + TIMEOUT.multipliedBy(4).toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        each.accept(record);
                    }
                }
            }
        }
    }
}
