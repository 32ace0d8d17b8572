package io.carbonllm.payback.streams.query;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.streams.state.GlobalTables;
import io.carbonllm.payback.streams.state.StoreNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
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
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads this instance's stores, for the query layer. A read of a partitioned store requires Kafka Streams to be
 * RUNNING, and reads an active task's store of one partition (never a standby's, never a store still restoring):
 * anything else is {@link Unavailable}. The global comparisons store is complete on every instance once it has been
 * RUNNING, so it stays readable through later rebalances (a second instance joining, a cooperative follow-up): a
 * comparison can be defined or edited while the partitions move.
 */
public final class LocalStores {

    private final Supplier<KafkaStreams> streams;
    private final String repartitionTopic;
    private volatile boolean globalBootstrapped;

    /**
     * @param repartitionTopic the engine's source topic ({@code <application.id>-by-use-case-repartition}, or the input
     *                         topic with {@code payback.input.partitioning=use-case}): its partition numbers are the
     *                         partitions of the ledger, alert and comparison-window stores
     */
    public LocalStores(Supplier<KafkaStreams> streams, String repartitionTopic) {
        this.streams = streams;
        this.repartitionTopic = repartitionTopic;
    }

    /** Kafka Streams, if it is RUNNING; {@link Unavailable} otherwise. */
    public KafkaStreams running() {
        KafkaStreams s = streams.get();
        KafkaStreams.State state = s == null ? KafkaStreams.State.CREATED : s.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new Unavailable(Unavailable.NOT_RUNNING, "Kafka Streams is " + state + " on this instance, not RUNNING");
        }
        globalBootstrapped = true;
        return s;
    }

    /** Called with every state Kafka Streams enters: once RUNNING, the global store has been bootstrapped. */
    public void observe(KafkaStreams.State state) {
        if (state == KafkaStreams.State.RUNNING) {
            globalBootstrapped = true;
        }
    }

    /**
     * Whether the global comparisons store can be read in {@code state}: RUNNING, or a rebalance after the instance has
     * been RUNNING (Kafka Streams serves global stores while REBALANCING; before the first RUNNING it may still be
     * bootstrapping them).
     */
    static boolean globalReadable(KafkaStreams.State state, boolean bootstrapped) {
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING && bootstrapped;
    }

    /** The state of Kafka Streams here; CREATED before it starts. */
    public KafkaStreams.State state() {
        KafkaStreams s = streams.get();
        return s == null ? KafkaStreams.State.CREATED : s.state();
    }

    public String repartitionTopic() {
        return repartitionTopic;
    }

    /** The comparison under {@code id}, or null. */
    public ComparisonDefinition definition(String id) {
        ReadOnlyKeyValueStore<String, ComparisonDefinition> store = global();
        return read(() -> GlobalTables.get(store, StoreNames.COMPARISONS, id));
    }

    /** Every readable comparison. */
    public List<ComparisonDefinition> definitions() {
        ReadOnlyKeyValueStore<String, ComparisonDefinition> store = global();
        return read(() -> GlobalTables.readAll(store, StoreNames.COMPARISONS).stream().map(kv -> kv.value).toList());
    }

    private ReadOnlyKeyValueStore<String, ComparisonDefinition> global() {
        KafkaStreams s = streams.get();
        KafkaStreams.State state = s == null ? KafkaStreams.State.CREATED : s.state();
        if (!globalReadable(state, globalBootstrapped)) {
            throw new Unavailable(Unavailable.NOT_RUNNING, "Kafka Streams is " + state + " on this instance, "
                    + (globalBootstrapped ? "not RUNNING or REBALANCING"
                    : "not yet RUNNING (the comparisons may still be loading)"));
        }
        observe(state);
        return read(() -> s.store(StoreQueryParameters.fromNameAndType(StoreNames.COMPARISONS,
                QueryableStoreTypes.<String, ComparisonDefinition>keyValueStore())));
    }

    /** The ledger under {@code key} ({@code comparisonId/candidateId}) in {@code partition}, or null. */
    public LedgerState ledger(int partition, String key) {
        ReadOnlyKeyValueStore<String, LedgerState> store = store(StoreNames.PAYBACK_LEDGER,
                QueryableStoreTypes.keyValueStore(), partition);
        return read(() -> store.get(key));
    }

    /** Every ledger in {@code partition}. */
    public List<LedgerState> ledgers(int partition) {
        ReadOnlyKeyValueStore<String, LedgerState> store = store(StoreNames.PAYBACK_LEDGER,
                QueryableStoreTypes.keyValueStore(), partition);
        return read(() -> values(store.all(), Function.identity()));
    }

    /** The alerts firing in {@code partition}, of one comparison when {@code comparisonId} is given. */
    public List<PaybackAlert> openAlerts(int partition, String comparisonId) {
        ReadOnlyKeyValueStore<String, PaybackAlert> store = store(StoreNames.OPEN_ALERTS,
                QueryableStoreTypes.keyValueStore(), partition);
        // Keys are comparisonId/candidateId/rule: the prefix with its slash matches one comparison only
        return read(() -> values(comparisonId == null ? store.all()
                : store.prefixScan(comparisonId + "/", new StringSerializer()), Function.identity()));
    }

    /** A comparison's windows starting in [from, to), oldest first; at most {@code limit} + 1, to tell a cut. */
    public List<ComparisonWindow> windows(int partition, String comparisonId, Instant from, Instant to, int limit) {
        ReadOnlyWindowStore<String, ComparisonWindow> store = store(StoreNames.COMPARISON_WINDOWS,
                QueryableStoreTypes.windowStore(), partition);
        return read(() -> {
            List<ComparisonWindow> windows = new ArrayList<>();
            // fetch's bounds are inclusive window starts
            try (WindowStoreIterator<ComparisonWindow> it = store.fetch(comparisonId, from, to.minusMillis(1))) {
                while (it.hasNext() && windows.size() <= limit) {
                    KeyValue<Long, ComparisonWindow> next = it.next();
                    if (next.value != null) {
                        windows.add(next.value);
                    }
                }
            }
            return windows;
        });
    }

    /** A comparison's latest {@code n} windows (by start), oldest first. */
    public List<ComparisonWindow> latestWindows(int partition, String comparisonId, int n) {
        return latestWindows(partition, comparisonId, Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE), n);
    }

    /** A comparison's latest {@code n} windows starting in [from, to), oldest first. */
    public List<ComparisonWindow> latestWindows(int partition, String comparisonId, Instant from, Instant to, int n) {
        ReadOnlyWindowStore<String, ComparisonWindow> store = store(StoreNames.COMPARISON_WINDOWS,
                QueryableStoreTypes.windowStore(), partition);
        return read(() -> {
            List<ComparisonWindow> windows = new ArrayList<>();
            try (WindowStoreIterator<ComparisonWindow> it = store.backwardFetch(comparisonId, from, to.minusMillis(1))) {
                while (it.hasNext() && windows.size() < n) {
                    KeyValue<Long, ComparisonWindow> next = it.next();
                    if (next.value != null) {
                        windows.add(next.value);
                    }
                }
            }
            Collections.reverse(windows);
            return windows;
        });
    }

    /** The partitions of the engine's stores whose active task runs on this instance now. */
    public SortedSet<Integer> activePartitions() {
        KafkaStreams s = running();
        SortedSet<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : whileRunning(s::metadataForLocalThreads)) {
            for (TaskMetadata task : thread.activeTasks()) {
                for (TopicPartition tp : task.topicPartitions()) {
                    if (tp.topic().equals(repartitionTopic)) {
                        partitions.add(tp.partition());
                    }
                }
            }
        }
        return partitions;
    }

    private <T> T store(String name, QueryableStoreType<T> type, int partition) {
        KafkaStreams s = running();
        return read(() -> s.store(StoreQueryParameters.fromNameAndType(name, type).withPartition(partition)),
                name, partition);
    }

    private static <V, T> List<T> values(KeyValueIterator<String, V> iterator, Function<V, T> map) {
        List<T> values = new ArrayList<>();
        try (iterator) {
            while (iterator.hasNext()) {
                V value = iterator.next().value;
                if (value != null) {
                    values.add(map.apply(value));
                }
            }
        }
        return values;
    }

    private static <T> T read(Supplier<T> read) {
        return read(read, null, -1);
    }

    /**
     * A call Kafka Streams refuses with an {@link IllegalStateException} when it left RUNNING since the check (a
     * rebalance, a shutdown): a 503 like the check itself, not a 500.
     */
    static <T> T whileRunning(Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalStateException e) {
            throw new Unavailable(Unavailable.NOT_RUNNING, "Kafka Streams left RUNNING: " + e.getMessage(), e);
        }
    }

    /** A store closed, migrated or restoring under the read is a 503, not a 500. */
    private static <T> T read(Supplier<T> read, String store, int partition) {
        try {
            return read.get();
        } catch (IllegalStateException e) {
            throw new Unavailable(Unavailable.NOT_RUNNING, "Kafka Streams left RUNNING: " + e.getMessage(), e);
        } catch (InvalidStateStoreException e) {
            String what = store == null ? "a store" : "store " + store + " partition " + partition;
            throw new Unavailable(Unavailable.STORE_UNAVAILABLE, what + " is not queryable on this instance now ("
                    + e.getClass().getSimpleName() + "): it is rebalancing, migrating or restoring", e);
        }
    }
}
