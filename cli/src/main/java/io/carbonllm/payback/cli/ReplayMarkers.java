package io.carbonllm.payback.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What {@code ./payback dlq replay} has replayed: one record per replayed dead letter in the compacted topic
 * {@code <dlq topic>-replayed}, keyed by {@code <dlq topic id>/<partition>/<offset>}. The replay writes each marker in
 * the same Kafka transaction as the record it publishes again, so a marker exists exactly when its record was
 * published. The topic id (not the name) is in the key so that a DLQ topic deleted and created again, whose offsets
 * start again at 0, does not inherit the old markers. A tombstone for a key allows that dead letter to be replayed again.
 */
final class ReplayMarkers {

    static final String SUFFIX = "-replayed";

    private ReplayMarkers() {
    }

    static String topic(String dlqTopic) {
        return dlqTopic + SUFFIX;
    }

    static String key(Uuid dlqTopicId, DeadLetter deadLetter) {
        return dlqTopicId + "/" + deadLetter.partition() + "/" + deadLetter.offset();
    }

    /** The marker's value: where the record went and when, for a reader of the topic. */
    static String value(String targetTopic, Integer targetPartition, Instant at) {
        return "{\"replayedTo\":\"" + targetTopic + "\",\"partition\":" + targetPartition + ",\"at\":\"" + at + "\"}";
    }

    /** Every marker key in the topic, without the ones deleted by a tombstone; empty when there is no topic yet. */
    static Set<String> read(Admin admin, Map<String, Object> client, String markerTopic, PrintWriter progress) {
        Set<String> keys = new HashSet<>();
        Optional<TopicDescription> topic = TopicSnapshot.describe(admin, client, markerTopic);
        topic.ifPresent(description -> TopicSnapshot.read(client, description, progress, record -> {
            if (record.key() == null) {
                return;
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                keys.remove(key);
            } else {
                keys.add(key);
            }
        }));
        return keys;
    }

    /** Creates the compacted marker topic (one partition, the broker's replication factor) unless it exists. */
    static void ensureTopic(Admin admin, Map<String, Object> client, String markerTopic) {
        NewTopic topic = new NewTopic(markerTopic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin.createTopics(List.of(topic)).all().get(TopicSnapshot.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the replay marker topic " + markerTopic + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw TopicSnapshot.unreachable(client, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + markerTopic, e);
        }
    }
}
