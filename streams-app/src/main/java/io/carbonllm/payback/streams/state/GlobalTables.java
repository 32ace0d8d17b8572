package io.carbonllm.payback.streams.state;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the global tables (comparisons, training runs, factors) so that one unreadable entry cannot stop the app:
 * it is skipped, loudly, and the fix is to publish a corrected record under the same key. Global topics are written
 * by people and tools, and a global table has no dead-letter path of its own.
 */
public final class GlobalTables {

    private static final Logger log = LoggerFactory.getLogger(GlobalTables.class);

    private GlobalTables() {
    }

    /** Every readable, non-deleted entry. */
    public static <V> List<KeyValue<String, V>> readAll(ReadOnlyKeyValueStore<String, ValueAndTimestamp<V>> store,
                                                        String storeName) {
        List<KeyValue<String, V>> entries = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<V>> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, ValueAndTimestamp<V>> kv;
                try {
                    kv = all.next();
                } catch (SerializationException e) {
                    log.error("Skipping an unreadable entry of global table {}; publish a corrected record under its key",
                            storeName, e);
                    continue;
                }
                if (kv.value != null && kv.value.value() != null) {
                    entries.add(KeyValue.pair(kv.key, kv.value.value()));
                }
            }
        }
        return entries;
    }

    /** The entry under {@code key}, or null if there is none or it cannot be read. */
    public static <V> V get(ReadOnlyKeyValueStore<String, ValueAndTimestamp<V>> store, String storeName, String key) {
        try {
            ValueAndTimestamp<V> value = store.get(key);
            return value == null ? null : value.value();
        } catch (SerializationException e) {
            log.error("Skipping the unreadable entry {} of global table {}; publish a corrected record under that key",
                    key, storeName, e);
            return null;
        }
    }
}
