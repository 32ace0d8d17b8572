package io.carbonllm.payback.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.streams.config.OfflineConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

/** Every store of the process shares one block cache, with the memtables charged to it. */
class BoundedRocksDbMemoryTest {

    @Test
    void theAppConfiguresTheSetterWithItsBound() {
        PaybackStreamsConfig config = OfflineConfig.of(PaybackStreamsConfig.ROCKSDB_MEMORY_BYTES_CONFIG, "64000000");
        var props = config.streamsProperties();
        assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
                .isEqualTo(BoundedRocksDbMemory.class.getName());
        assertThat(BoundedRocksDbMemory.bytes(props.get(PaybackStreamsConfig.ROCKSDB_MEMORY_BYTES_CONFIG)))
                .isEqualTo(64_000_000L);
    }

    @Test
    void withoutABoundKafkaStreamsKeepsItsOwnRocksDbConfiguration() {
        PaybackStreamsConfig config = OfflineConfig.of();
        assertThat(config.streamsProperties()).doesNotContainKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
    }

    @Test
    void aBoundUnder16MiBIsRefusedNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OfflineConfig.of(
                        PaybackStreamsConfig.ROCKSDB_MEMORY_BYTES_CONFIG, "1000000"))
                .hasMessageContaining(PaybackStreamsConfig.ROCKSDB_MEMORY_BYTES_CONFIG).hasMessageContaining("16 MiB");
    }

    @Test
    void twoStoresShareOneWriteBufferManagerAndKeepIndexAndFiltersInTheCache() {
        BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        Map<String, Object> configs = Map.of(PaybackStreamsConfig.ROCKSDB_MEMORY_BYTES_CONFIG, 32L * 1024 * 1024);
        try (Options a = new Options(); Options b = new Options()) {
            a.setTableFormatConfig(new BlockBasedTableConfig());
            b.setTableFormatConfig(new BlockBasedTableConfig());
            setter.setConfig("store-a", a, configs);
            setter.setConfig("store-b", b, configs);

            BlockBasedTableConfig tableA = (BlockBasedTableConfig) a.tableFormatConfig();
            assertThat(tableA.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(a.writeBufferManager()).isNotNull().isSameAs(b.writeBufferManager());
            setter.close("store-a", a);
            setter.close("store-b", b);
        }
    }
}
