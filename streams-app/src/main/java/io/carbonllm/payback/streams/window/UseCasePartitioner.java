package io.carbonllm.payback.streams.window;

import io.carbonllm.payback.events.VariantKey;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions by use case only, with the same murmur2 hash that Kafka's default partitioner applies to a string key.
 * So every model of a use case shares a partition, and that partition has the same number as the use case's records
 * in topics keyed by the use-case string: comparing variants later needs no further repartition.
 */
public final class UseCasePartitioner<V> implements StreamPartitioner<VariantKey, V> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, VariantKey key, V value, Headers headers, int numPartitions) {
        return Optional.of(Set.of(partitionOf(key.getUseCase(), numPartitions)));
    }

    /** Still abstract in Kafka Streams 4.4, though deprecated for removal in favour of the variant with headers. */
    @Override
    @SuppressWarnings("removal")
    public Optional<Set<Integer>> partitions(String topic, VariantKey key, V value, int numPartitions) {
        return partitions(topic, key, value, null, numPartitions);
    }

    public static int partitionOf(String useCase, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(useCase.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }
}
