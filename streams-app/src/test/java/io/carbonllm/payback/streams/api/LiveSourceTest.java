package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The live source reads payback-alerts from its beginning into the alert history, and says when the history is whole:
 * once every alerts partition has been read up to the end offset it saw when it started. Kafka's MockConsumer stands
 * in for the broker.
 */
class LiveSourceTest {

    private static final String STATUS = "payback-status";
    private static final String ALERTS = "payback-alerts";

    /** MockConsumer returns at once from an empty poll; this one waits a little, as a real consumer would block. */
    private static final class PollingMock extends MockConsumer<byte[], byte[]> {
        PollingMock() {
            super("earliest");
        }

        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                try {
                    wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }
    }

    private final PollingMock consumer = new PollingMock();
    private final AlertHistory history = new AlertHistory();
    private LiveSource source;

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
    }

    /** The value is the transition's number: AlertHistoryTest's alert n of cmp-a. */
    private static ConsumerRecord<byte[], byte[]> transition(int partition, long offset, int n) {
        return new ConsumerRecord<>(ALERTS, partition, offset, "cmp-a/ft/NOT_SAVING".getBytes(StandardCharsets.UTF_8),
                Integer.toString(n).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theHistoryIsLoadingUntilEveryAlertsPartitionIsReadToTheEndOffsetSeenAtStart() {
        // Given payback-alerts with 2 partitions holding 2 and 1 transitions when the source starts
        consumer.updatePartitions(STATUS, List.of(new PartitionInfo(STATUS, 0, null, null, null)));
        consumer.updatePartitions(ALERTS, List.of(new PartitionInfo(ALERTS, 0, null, null, null),
                new PartitionInfo(ALERTS, 1, null, null, null)));
        TopicPartition status0 = new TopicPartition(STATUS, 0);
        TopicPartition alerts0 = new TopicPartition(ALERTS, 0);
        TopicPartition alerts1 = new TopicPartition(ALERTS, 1);
        consumer.updateBeginningOffsets(Map.of(status0, 0L, alerts0, 0L, alerts1, 0L));
        consumer.updateEndOffsets(Map.of(status0, 0L, alerts0, 2L, alerts1, 1L));
        Deserializer<PaybackAlert> alerts = (topic, bytes) ->
                AlertHistoryTest.alert("cmp-a", Integer.parseInt(new String(bytes, StandardCharsets.UTF_8)));
        Deserializer<PaybackStatus> statuses = (topic, bytes) -> {
            throw new AssertionError("no status is sent");
        };
        source = new LiveSource(consumer, STATUS, ALERTS, statuses, alerts, new LiveFeed(10, 10, 10), 10, history,
                new ObjectMapper()).start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> consumer.assignment().size() == 3);

        // When partition 0's two transitions are read
        consumer.addRecord(transition(0, 0, 0));
        consumer.addRecord(transition(0, 1, 1));
        await().atMost(10, TimeUnit.SECONDS).until(() -> history.of("cmp-a").transitions().size() == 2);

        // Then the history holds them, but partition 1 is not yet read to offset 1: still loading
        assertThat(history.of("cmp-a").gap()).isEqualTo(AlertHistory.Gap.LOADING);
        assertThat(history.isCaughtUp()).isFalse();

        // When partition 1's transition is read: caught up, and the timeline is whole
        consumer.addRecord(transition(1, 0, 2));
        await().atMost(10, TimeUnit.SECONDS).until(history::isCaughtUp);
        AlertHistory.Timeline timeline = history.of("cmp-a");
        assertThat(timeline.complete()).isTrue();
        assertThat(timeline.transitions()).extracting(PaybackAlert::getMessage)
                .containsExactlyInAnyOrder("transition 0", "transition 1", "transition 2");
    }

    @Test
    void anEmptyAlertsTopicIsCaughtUpAtOnce() {
        consumer.updatePartitions(STATUS, List.of(new PartitionInfo(STATUS, 0, null, null, null)));
        consumer.updatePartitions(ALERTS, List.of(new PartitionInfo(ALERTS, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(new TopicPartition(STATUS, 0), 0L, new TopicPartition(ALERTS, 0), 0L));
        consumer.updateEndOffsets(Map.of(new TopicPartition(STATUS, 0), 0L, new TopicPartition(ALERTS, 0), 0L));
        source = new LiveSource(consumer, STATUS, ALERTS, (t, b) -> null, (t, b) -> null, new LiveFeed(10, 10, 10), 10,
                history, new ObjectMapper()).start();

        await().atMost(10, TimeUnit.SECONDS).until(history::isCaughtUp);
        assertThat(history.of("cmp-a").complete()).isTrue();
    }
}
