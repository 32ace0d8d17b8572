package io.carbonllm.payback.streams.query;

import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which instance answers what, from Kafka Streams' own metadata: never home-made clustering.
 *
 * <p>The ledgers, open alerts and comparison windows are keyed by comparison (and candidate) but live on the partition
 * of the comparison's <em>use case</em>: the engine reads the {@code by-use-case} repartition topic (or the input, with
 * {@code payback.input.partitioning=use-case}), which {@link UseCasePartitioner} partitions by the use case alone. So the owner of a comparison is found by asking
 * {@link KafkaStreams#queryMetadataForKey} for the use case with that same partitioner; the key serializer never
 * comes into it.
 */
public final class Routing {

    /** The instance whose active task holds a use case's partition, and that partition. */
    public record Owner(HostInfo host, int partition, boolean local) {
    }

    /** An instance with the partitions of the engine's stores it runs as active tasks. */
    public record Instance(HostInfo host, SortedSet<Integer> partitions, boolean local) {
    }

    private final LocalStores local;
    private final HostInfo self;

    public Routing(LocalStores local, HostInfo self) {
        this.local = local;
        this.self = self;
    }

    public HostInfo self() {
        return self;
    }

    /** The owner of {@code useCase}'s partition; {@link Unavailable} while Kafka Streams does not know it. */
    public Owner ownerOf(String useCase) {
        KeyQueryMetadata metadata = LocalStores.whileRunning(() -> local.running().queryMetadataForKey(
                StoreNames.PAYBACK_LEDGER, useCase, UseCasePartitioner.forUseCases()));
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.activeHost() == null
                || metadata.partition() < 0 || HostInfo.unavailable().equals(metadata.activeHost())) {
            throw new Unavailable(Unavailable.OWNER_UNKNOWN, "no instance owns use case '" + useCase
                    + "' right now (rebalancing)");
        }
        return new Owner(metadata.activeHost(), metadata.partition(), metadata.activeHost().equals(self));
    }

    /**
     * The partitions of the engine's stores: those of the repartition topic, as Kafka Streams counts them when it
     * routes a key (the same number it passes the partitioner).
     */
    public int partitionCount() {
        KafkaStreams streams = local.running();
        int[] count = {-1};
        StreamPartitioner<String, Object> counting = new StreamPartitioner<>() {
            @Override
            public Optional<Set<Integer>> partitions(String topic, String key, Object value, Headers headers,
                                                     int numPartitions) {
                count[0] = numPartitions;
                return Optional.of(Set.of(0));
            }

            @Override
            @SuppressWarnings("removal")
            public Optional<Set<Integer>> partitions(String topic, String key, Object value, int numPartitions) {
                return partitions(topic, key, value, null, numPartitions);
            }
        };
        LocalStores.whileRunning(() -> streams.queryMetadataForKey(StoreNames.PAYBACK_LEDGER, "", counting));
        if (count[0] < 1) {
            throw new Unavailable(Unavailable.OWNER_UNKNOWN, "Kafka Streams has no metadata for the stores yet");
        }
        return count[0];
    }

    /** Every instance running active tasks of the engine's stores, with their partitions. */
    public List<Instance> instances() {
        KafkaStreams streams = local.running();
        List<Instance> instances = new ArrayList<>();
        for (StreamsMetadata metadata : LocalStores.whileRunning(() ->
                streams.streamsMetadataForStore(StoreNames.PAYBACK_LEDGER))) {
            SortedSet<Integer> partitions = new TreeSet<>();
            for (TopicPartition tp : metadata.topicPartitions()) {
                if (tp.topic().equals(local.repartitionTopic())) {
                    partitions.add(tp.partition());
                }
            }
            if (!partitions.isEmpty()) {
                instances.add(new Instance(metadata.hostInfo(), partitions, metadata.hostInfo().equals(self)));
            }
        }
        return instances;
    }
}
