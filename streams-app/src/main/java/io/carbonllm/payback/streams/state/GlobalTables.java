package io.carbonllm.payback.streams.state;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the global definition stores (comparisons, training runs, factors). {@link DefinitionReader} lets only valid
 * records in; an entry that still cannot be read (a store written by an older version) is skipped, loudly.
 */
public final class GlobalTables {

    private static final Logger log = LoggerFactory.getLogger(GlobalTables.class);

    private GlobalTables() {
    }

    /** Every readable entry. */
    public static <V> List<KeyValue<String, V>> readAll(ReadOnlyKeyValueStore<String, V> store, String storeName) {
        return read(store, storeName).entries();
    }

    /** What a full read found: the readable entries, and whether any entry could not be read. */
    public record Read<V>(List<KeyValue<String, V>> entries, boolean complete) {
    }

    /** Every readable entry, and whether the read was complete. */
    public static <V> Read<V> read(ReadOnlyKeyValueStore<String, V> store, String storeName) {
        boolean complete = true;
        List<KeyValue<String, V>> entries = new ArrayList<>();
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, V> kv;
                try {
                    kv = all.next();
                } catch (SerializationException e) {
                    log.error("Skipping an unreadable entry of global store {}; publish a corrected record under its key",
                            storeName, e);
                    complete = false;
                    continue;
                }
                if (kv.value != null) {
                    entries.add(kv);
                }
            }
        }
        return new Read<>(entries, complete);
    }

    /** The entry under {@code key}, or null if there is none or it cannot be read. */
    public static <V> V get(ReadOnlyKeyValueStore<String, V> store, String storeName, String key) {
        try {
            return store.get(key);
        } catch (SerializationException e) {
            log.error("Skipping the unreadable entry {} of global store {}; publish a corrected record under that key",
                    key, storeName, e);
            return null;
        }
    }
}
