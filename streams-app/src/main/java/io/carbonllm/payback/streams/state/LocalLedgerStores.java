package io.carbonllm.payback.streams.state;

import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.streams.metrics.LedgerSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The ledgers this instance owns, read from its local {@link StoreNames#PAYBACK_LEDGER} and
 * {@link StoreNames#OPEN_ALERTS} stores partition by partition, active tasks only (no standby, no stale store). A
 * partition still restoring, or moving away in a rebalance, is left out until it runs here: each instance exports
 * exactly the ledgers it processes, so the instances of a deployment export each ledger once between rebalances.
 * The status of a ledger is the one the engine last published ({@link LedgerState#getLastStatus()}), so the gauges
 * say what {@code payback-status} says.
 */
public final class LocalLedgerStores implements LedgerSource {

    private final KafkaStreams streams;

    public LocalLedgerStores(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public Snapshot read() {
        KafkaStreams.State state = streams.state();
        if (!state.isRunningOrRebalancing()) {
            return Snapshot.EMPTY;
        }
        List<PaybackStatus> statuses = new ArrayList<>();
        List<PaybackAlert> alerts = new ArrayList<>();
        for (int partition : activePartitions()) {
            List<PaybackStatus> partitionStatuses = new ArrayList<>();
            List<PaybackAlert> partitionAlerts = new ArrayList<>();
            try {
                for (KeyValue<String, LedgerState> kv : all(StoreNames.PAYBACK_LEDGER, partition,
                        QueryableStoreTypes.<String, LedgerState>keyValueStore())) {
                    if (kv.value != null && kv.value.getLastStatus() != null) {
                        partitionStatuses.add(kv.value.getLastStatus());
                    }
                }
                for (KeyValue<String, PaybackAlert> kv : all(StoreNames.OPEN_ALERTS, partition,
                        QueryableStoreTypes.<String, PaybackAlert>keyValueStore())) {
                    if (kv.value != null) {
                        partitionAlerts.add(kv.value);
                    }
                }
            } catch (InvalidStateStoreException notHereOrNotReady) {
                // Not hosted here (another sub-topology's task of this partition is), restoring, or migrating
                continue;
            }
            statuses.addAll(partitionStatuses);
            alerts.addAll(partitionAlerts);
        }
        return new Snapshot(statuses, alerts);
    }

    /** The partitions of this instance's active tasks, whichever sub-topology: the engine's are among them. */
    private Set<Integer> activePartitions() {
        Set<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                partitions.add(task.taskId().partition());
            }
        }
        return partitions;
    }

    private <V> List<KeyValue<String, V>> all(String store, int partition,
                                                QueryableStoreType<ReadOnlyKeyValueStore<String, V>> type) {
        ReadOnlyKeyValueStore<String, V> local = streams.store(StoreQueryParameters.fromNameAndType(store, type)
                .withPartition(partition));
        List<KeyValue<String, V>> entries = new ArrayList<>();
        try (KeyValueIterator<String, V> all = local.all()) {
            all.forEachRemaining(entries::add);
        }
        return entries;
    }
}
