package io.carbonllm.payback.bench.streams;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The baseline, in its own JVM: a plain {@code KafkaConsumer} reads the whole input topic from the start, assigned
 * every partition (no group), as {@code byte[]} or through our {@code AvroDeserializer}, and touches every value so
 * that nothing is optimized away. Usage: {@code RawConsumerRun bootstrap topic events bytes|avro [registryUrl]}.
 */
public final class RawConsumerRun {

    private RawConsumerRun() {
    }

    public static void main(String[] args) {
        String bootstrap = args[0];
        String topic = args[1];
        long expected = Long.parseLong(args[2]);
        boolean avro = "avro".equals(args[3]);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // What Kafka Streams' consumer reads committed data with under exactly-once
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Deserializer<?> values = avro
                ? new AvroDeserializer<>(new HttpSchemaRegistryClient(args[4]), InferenceEvent.class)
                : new ByteArrayDeserializer();
        long checksum = 0;
        long read = 0;
        long startNs;
        long endNs;
        try (KafkaConsumer<byte[], ?> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), values)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            startNs = System.nanoTime();
            while (read < expected) {
                ConsumerRecords<byte[], ?> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], ?> record : records) {
                    Object value = record.value();
                    checksum += value instanceof byte[] bytes ? bytes.length
                            : ((InferenceEvent) value).getInputTokens();
                    read++;
                }
                if (records.isEmpty() && reachedEnd(consumer, ends)) {
                    break;
                }
            }
            endNs = System.nanoTime();
        }
        double seconds = (endNs - startNs) / 1e9;
        var result = ChildResult.object();
        result.put("mode", avro ? "raw-avro" : "raw-bytes");
        result.put("events", read);
        result.put("seconds", seconds);
        result.put("eventsPerSecond", read / seconds);
        result.put("peakRssMib", ChildResult.peakRssMib());
        result.put("checksum", checksum);
        ChildResult.print(result);
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
