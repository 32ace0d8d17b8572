package io.carbonllm.payback.streams.window;

import io.carbonllm.payback.events.TaskKey;
import io.carbonllm.payback.events.VariantKey;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions by use case only, with the same murmur2 hash that Kafka's default partitioner applies to a string key.
 * So every model and task of a use case shares a partition, and that partition has the same number as the use
 * case's records in topics keyed by the use-case string: comparing variants needs no further repartition.
 */
public final class UseCasePartitioner<K, V> implements StreamPartitioner<K, V> {

    private final Function<K, String> useCase;

    private UseCasePartitioner(Function<K, String> useCase) {
        this.useCase = useCase;
    }

    public static <V> UseCasePartitioner<VariantKey, V> forVariants() {
        return new UseCasePartitioner<>(VariantKey::getUseCase);
    }

    public static <V> UseCasePartitioner<TaskKey, V> forTasks() {
        return new UseCasePartitioner<>(TaskKey::getUseCase);
    }

    /**
     * For a key that is the use case itself: what interactive queries pass to {@code queryMetadataForKey}, so they find
     * the partition, and the instance, that the topology put the use case's ledgers, alerts and windows on.
     */
    public static <V> UseCasePartitioner<String, V> forUseCases() {
        return new UseCasePartitioner<>(Function.identity());
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, K key, V value, Headers headers, int numPartitions) {
        return Optional.of(Set.of(partitionOf(useCase.apply(key), numPartitions)));
    }

    /** Still abstract in Kafka Streams 4.4, though deprecated for removal in favour of the variant with headers. */
    @Override
    @SuppressWarnings("removal")
    public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
        return partitions(topic, key, value, null, numPartitions);
    }

    public static int partitionOf(String useCase, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(useCase.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }
}
