package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Reading a comparison's current value from the compacted topic, against a {@link MockConsumer} with two partitions:
 * the last value for the id up to the end offsets taken at the start wins, and a tombstone means none.
 */
class CurrentComparisonTest {

    private static final String TOPIC = "comparisons";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static MockConsumer<String, byte[]> consumer(long endP0, long endP1) {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, node, null, null),
                new PartitionInfo(TOPIC, 1, node, null, null)));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.updateEndOffsets(Map.of(P0, endP0, P1, endP1));
        return consumer;
    }

    private static ConsumerRecord<String, byte[]> record(TopicPartition tp, long offset, String key, String value) {
        return new ConsumerRecord<>(TOPIC, tp.partition(), offset, key,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> read(MockConsumer<String, byte[]> consumer, String key, Duration timeout) {
        return CurrentComparison.lastValue(consumer, TOPIC, key, timeout).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    @Test
    void theLastValueForTheIdWinsAndOtherIdsAndLaterRecordsAreIgnored() {
        // Given: P0 ends at 3 when reading starts; offset 3 arrives later and is not part of the snapshot
        MockConsumer<String, byte[]> consumer = consumer(3, 1);
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 0, "c", "v1"));
            consumer.addRecord(record(P0, 1, "other", "x"));
            consumer.addRecord(record(P0, 2, "c", "v2"));
            consumer.addRecord(record(P0, 3, "c", "v3-after-start"));
            consumer.addRecord(record(P1, 0, "d", "y"));
        });
        // Then
        assertThat(read(consumer, "c", TIMEOUT)).contains("v2");
    }

    @Test
    void aTombstoneMeansThereIsNone() {
        MockConsumer<String, byte[]> consumer = consumer(2, 0);
        consumer.schedulePollTask(() -> {
            consumer.addRecord(record(P0, 0, "c", "v1"));
            consumer.addRecord(record(P0, 1, "c", null));
        });
        assertThat(read(consumer, "c", TIMEOUT)).isEmpty();
    }

    @Test
    void anEmptyOrMissingTopicHasNone() {
        assertThat(read(consumer(0, 0), "c", TIMEOUT)).isEmpty();
        MockConsumer<String, byte[]> noTopic = new MockConsumer<>("earliest");
        assertThat(CurrentComparison.lastValue(noTopic, "missing", "c", TIMEOUT)).isEmpty();
    }

    @Test
    void readingThatNeverReachesTheEndTimesOutInsteadOfHanging() {
        // P0 claims 5 records but only 1 ever arrives
        MockConsumer<String, byte[]> consumer = consumer(5, 0);
        consumer.schedulePollTask(() -> consumer.addRecord(record(P0, 0, "c", "v1")));
        assertThatThrownBy(() -> read(consumer, "c", Duration.ofMillis(500))).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("end offsets");
    }
}
