package io.carbonllm.payback.streams.state;

import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds RocksDB's memory for the whole process to {@code payback.rocksdb.memory.bytes}, when it is set. Without it
 * every RocksDB instance (each store of each task, and each segment of a window store) gets its own block cache and
 * memtables, so off-heap memory grows with partitions, stores and window segments. Here every instance shares one LRU
 * block cache, and the memtables are charged to that cache through one write buffer manager (half of it), so the
 * total is bounded (softly: the cache may exceed its capacity for a moment rather than fail a read); index and filter
 * blocks are held in the cache too, at high priority. Each store keeps Kafka Streams' own memtable size: with many
 * stores and a small bound they are flushed small and often, which is what made a 128 MiB bound slow in the
 * benchmark.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    static {
        RocksDB.loadLibrary();
    }

    /** One cache and one write buffer manager per bound, shared by every store of the process. */
    private record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long bytes = bytes(configs.get(PaybackStreamsConfig.ROCKSDB_MEMORY_BYTES_CONFIG));
        if (bytes < 16L * 1024 * 1024) {
            throw new IllegalStateException(PaybackStreamsConfig.ROCKSDB_MEMORY_BYTES_CONFIG + " is " + bytes
                    + ": this setter needs a bound of at least 16 MiB (0 means no bound: leave rocksdb.config.setter "
                    + "unset then)");
        }
        Shared shared = SHARED.computeIfAbsent(bytes, b -> {
            Cache cache = new LRUCache(b, -1, false, 0.1);
            return new Shared(cache, new WriteBufferManager(b / 2, cache));
        });
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBuffers());
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are the process's, shared by stores that outlive this one
    }

    static long bytes(Object value) {
        if (value == null) {
            throw new IllegalStateException(PaybackStreamsConfig.ROCKSDB_MEMORY_BYTES_CONFIG + " is not set: the app "
                    + "configures this setter only with a bound");
        }
        return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
    }
}
