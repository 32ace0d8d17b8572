package io.carbonllm.payback.streams.api;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * A {@link KafkaStreams} that is never started and needs no broker: it says RUNNING, and answers the metadata and store
 * queries the API makes ({@code queryMetadataForKey}, {@code streamsMetadataForStore}, {@code metadataForLocalThreads},
 * {@code store}) from what the test puts in. Which instance's active task holds each partition is the test's to say
 * ({@link #own}); a use case's partition is {@link UseCasePartitioner}'s, as in production. A store of a partition
 * this instance does not hold throws {@link InvalidStateStoreException}, as Kafka Streams does.
 */
final class OfflineStreams extends KafkaStreams {

    private final int partitions;
    private final String repartitionTopic;
    private final Map<Integer, HostInfo> owners = new ConcurrentHashMap<>();
    private final MapStore<ComparisonDefinition> comparisons = new MapStore<>();
    private final Map<Integer, MapStore<LedgerState>> ledgers = new ConcurrentHashMap<>();
    private final Map<Integer, MapStore<PaybackAlert>> openAlerts = new ConcurrentHashMap<>();
    private final Map<Integer, WindowStore> windows = new ConcurrentHashMap<>();
    private volatile HostInfo self;
    private volatile boolean offline = true;

    /**
     * @param partitions       the partitions of the engine's stores
     * @param repartitionTopic the topic those are the partitions of: the one {@link ApiServer} names for the config
     */
    OfflineStreams(Path stateDir, int partitions, String repartitionTopic) {
        super(placeholder(), props(stateDir), new NoClients());
        this.partitions = partitions;
        this.repartitionTopic = repartitionTopic;
        for (int p = 0; p < partitions; p++) {
            ledgers.put(p, new MapStore<>());
            openAlerts.put(p, new MapStore<>());
            windows.put(p, new WindowStore());
        }
    }

    /** Kafka Streams wants a topology that reads something; this one is never run. */
    private static Topology placeholder() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("offline-never-read").foreach((k, v) -> { });
        return builder.build();
    }

    private static Properties props(Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "offline");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    /** This instance (the API's advertised host:port): its active tasks are the partitions {@link #own}ed by it. */
    OfflineStreams self(HostInfo host) {
        this.self = host;
        return this;
    }

    /** {@code host}'s active task holds {@code partition}. */
    OfflineStreams own(int partition, HostInfo host) {
        owners.put(partition, host);
        return this;
    }

    int partitionOf(String useCase) {
        return UseCasePartitioner.partitionOf(useCase, partitions);
    }

    void define(ComparisonDefinition def) {
        comparisons.put(def.getComparisonId(), def);
    }

    void ledger(LedgerState ledger, String useCase) {
        ledgers.get(partitionOf(useCase)).put(ledger.getComparisonId() + "/" + ledger.getCandidateId(), ledger);
    }

    void openAlert(PaybackAlert alert, String useCase) {
        openAlerts.get(partitionOf(useCase)).put(alert.getComparisonId() + "/" + alert.getCandidateId() + "/"
                + alert.getRule(), alert);
    }

    void window(ComparisonWindow window) {
        windows.get(partitionOf(window.getUseCase())).put(window.getComparisonId(), window.getWindowStart(), window);
    }

    @Override
    public State state() {
        return offline ? State.RUNNING : super.state();
    }

    @Override
    public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key,
                                                    StreamPartitioner<? super K, ?> partitioner) {
        Optional<Set<Integer>> chosen = partitioner.partitions(repartitionTopic, key, null,
                new RecordHeaders(), partitions);
        int partition = chosen.orElseThrow().iterator().next();
        HostInfo owner = owners.get(partition);
        return owner == null ? KeyQueryMetadata.NOT_AVAILABLE : new KeyQueryMetadata(owner, Set.of(), partition);
    }

    @Override
    public List<StreamsMetadata> streamsMetadataForStore(String storeName) {
        Map<HostInfo, Set<TopicPartition>> byHost = owners.entrySet().stream().collect(Collectors.groupingBy(
                Map.Entry::getValue, Collectors.mapping(e -> new TopicPartition(repartitionTopic, e.getKey()),
                        Collectors.toSet())));
        List<StreamsMetadata> metadata = new ArrayList<>();
        byHost.forEach((host, tps) -> metadata.add(new Metadata(host, tps)));
        return metadata;
    }

    @Override
    public Set<ThreadMetadata> metadataForLocalThreads() {
        Set<TaskMetadata> tasks = owners.entrySet().stream().filter(e -> e.getValue().equals(self))
                .map(e -> (TaskMetadata) new Task(new TaskId(1, e.getKey()),
                        Set.of(new TopicPartition(repartitionTopic, e.getKey()))))
                .collect(Collectors.toSet());
        return Set.of(new LocalThread(tasks));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T store(StoreQueryParameters<T> params) {
        String name = params.storeName();
        if (name.equals(StoreNames.COMPARISONS)) {
            return (T) comparisons;
        }
        Integer partition = params.partition();
        if (partition == null || !self.equals(owners.get(partition))) {
            throw new InvalidStateStoreException("store " + name + " partition " + partition + " is not active here");
        }
        return switch (name) {
            case StoreNames.PAYBACK_LEDGER -> (T) ledgers.get(partition);
            case StoreNames.OPEN_ALERTS -> (T) openAlerts.get(partition);
            case StoreNames.COMPARISON_WINDOWS -> (T) windows.get(partition);
            default -> throw new InvalidStateStoreException("no store " + name + " offline");
        };
    }

    @Override
    public void close() {
        offline = false;
        super.close(Duration.ofSeconds(5));
    }

    private record Metadata(HostInfo hostInfo, Set<TopicPartition> topicPartitions) implements StreamsMetadata {
        @Override
        public Set<String> stateStoreNames() {
            return Set.of(StoreNames.PAYBACK_LEDGER, StoreNames.OPEN_ALERTS, StoreNames.COMPARISON_WINDOWS);
        }

        @Override
        public Set<TopicPartition> standbyTopicPartitions() {
            return Set.of();
        }

        @Override
        public Set<String> standbyStateStoreNames() {
            return Set.of();
        }

        @Override
        public String host() {
            return hostInfo.host();
        }

        @Override
        public int port() {
            return hostInfo.port();
        }
    }

    private record Task(TaskId taskId, Set<TopicPartition> topicPartitions) implements TaskMetadata {
        @Override
        public Map<TopicPartition, Long> committedOffsets() {
            return Map.of();
        }

        @Override
        public Map<TopicPartition, Long> endOffsets() {
            return Map.of();
        }

        @Override
        public Optional<Long> timeCurrentIdlingStarted() {
            return Optional.empty();
        }
    }

    private record LocalThread(Set<TaskMetadata> activeTasks) implements ThreadMetadata {
        @Override
        public String threadState() {
            return "RUNNING";
        }

        @Override
        public String threadName() {
            return "offline-StreamThread-1";
        }

        @Override
        public Set<TaskMetadata> standbyTasks() {
            return Set.of();
        }

        @Override
        public String consumerClientId() {
            return "offline-consumer";
        }

        @Override
        public String restoreConsumerClientId() {
            return "offline-restore-consumer";
        }

        @Override
        public Set<String> producerClientIds() {
            return Set.of();
        }

        @Override
        public String adminClientId() {
            return "offline-admin";
        }
    }

    /** Kafka clients that never connect: the instance is never started. */
    private static final class NoClients implements KafkaClientSupplier {
        @Override
        public Admin getAdmin(Map<String, Object> config) {
            return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                    (proxy, method, args) -> method.getReturnType() == boolean.class ? false : null);
        }

        @Override
        public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
            return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
            return new MockConsumer<>("earliest");
        }

        @Override
        public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
            return new MockConsumer<>("earliest");
        }

        @Override
        public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
            return new MockConsumer<>("earliest");
        }
    }

    /** A key-value store read as Kafka Streams' are: in key order, prefix scans included. */
    static final class MapStore<V> implements ReadOnlyKeyValueStore<String, V> {

        private final NavigableMap<String, V> map = new ConcurrentSkipListMap<>();

        void put(String key, V value) {
            map.put(key, value);
        }

        @Override
        public V get(String key) {
            return map.get(key);
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            return iterator(map.subMap(from, true, to, true));
        }

        @Override
        public KeyValueIterator<String, V> all() {
            return iterator(map);
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS serializer) {
            String p = new String(serializer.serialize(null, prefix), StandardCharsets.UTF_8);
            return iterator(map.tailMap(p, true).entrySet().stream().takeWhile(e -> e.getKey().startsWith(p))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new)));
        }

        @Override
        public long approximateNumEntries() {
            return map.size();
        }
    }

    /** A window store of one key type, String, keyed by comparison id and window start. */
    static final class WindowStore implements ReadOnlyWindowStore<String, ComparisonWindow> {

        private final Map<String, NavigableMap<Long, ComparisonWindow>> byKey = new ConcurrentHashMap<>();

        void put(String key, Instant start, ComparisonWindow window) {
            byKey.computeIfAbsent(key, k -> new ConcurrentSkipListMap<>()).put(start.toEpochMilli(), window);
        }

        private NavigableMap<Long, ComparisonWindow> range(String key, Instant from, Instant to) {
            return byKey.getOrDefault(key, new TreeMap<>()).subMap(from.toEpochMilli(), true, to.toEpochMilli(), true);
        }

        @Override
        public ComparisonWindow fetch(String key, long time) {
            return byKey.getOrDefault(key, new TreeMap<>()).get(time);
        }

        @Override
        public WindowStoreIterator<ComparisonWindow> fetch(String key, Instant from, Instant to) {
            return windowIterator(range(key, from, to));
        }

        @Override
        public WindowStoreIterator<ComparisonWindow> backwardFetch(String key, Instant from, Instant to) {
            return windowIterator(range(key, from, to).descendingMap());
        }

        @Override
        public KeyValueIterator<Windowed<String>, ComparisonWindow> fetch(String keyFrom, String keyTo, Instant from,
                                                                          Instant to) {
            throw new UnsupportedOperationException("the API reads one comparison's windows at a time");
        }

        @Override
        public KeyValueIterator<Windowed<String>, ComparisonWindow> all() {
            throw new UnsupportedOperationException("the API reads one comparison's windows at a time");
        }

        @Override
        public KeyValueIterator<Windowed<String>, ComparisonWindow> fetchAll(Instant from, Instant to) {
            throw new UnsupportedOperationException("the API reads one comparison's windows at a time");
        }
    }

    private static <K, V> KeyValueIterator<K, V> iterator(Map<K, V> map) {
        List<KeyValue<K, V>> entries = map.entrySet().stream().map(e -> KeyValue.pair(e.getKey(), e.getValue())).toList();
        Iterator<KeyValue<K, V>> it = entries.iterator();
        int[] next = {0};
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<K, V> next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                next[0]++;
                return it.next();
            }

            @Override
            public K peekNextKey() {
                if (next[0] >= entries.size()) {
                    throw new NoSuchElementException();
                }
                return entries.get(next[0]).key;
            }

            @Override
            public void close() {
            }
        };
    }

    private static <V> WindowStoreIterator<V> windowIterator(Map<Long, V> map) {
        KeyValueIterator<Long, V> it = iterator(map);
        return new WindowStoreIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<Long, V> next() {
                return it.next();
            }

            @Override
            public Long peekNextKey() {
                return it.peekNextKey();
            }

            @Override
            public void close() {
            }
        };
    }
}
