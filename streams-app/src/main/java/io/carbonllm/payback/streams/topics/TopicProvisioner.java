package io.carbonllm.payback.streams.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the app's external topics at start-up when they are missing. Existing topics are left as they are. */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /** Returns the names it created; those in {@code compacted} get {@code cleanup.policy=compact}. */
    public static List<String> createMissing(Admin admin, Collection<String> topics, java.util.Set<String> compacted,
                                             int partitions, short replicationFactor) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    NewTopic newTopic = new NewTopic(topic, Optional.of(partitions),
                            replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor));
                    if (compacted.contains(topic)) {
                        newTopic.configs(java.util.Map.of("cleanup.policy", "compact"));
                    }
                    missing.add(newTopic);
                }
            }
            if (missing.isEmpty()) {
                return List.of();
            }
            List<String> created = new ArrayList<>();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                    log.info("Created topic {} with {} partitions", entry.getKey(), partitions);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            return created;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topics " + topics + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + topics, e);
        }
    }

    /**
     * The partition count of {@code topic}, which must exist; {@code needs} names the setting that needs it, for the
     * error. A topic just created may be unknown to the broker answering for a few seconds: asked again for up to 30 s.
     */
    public static int partitionCount(Admin admin, String topic, String needs) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (true) {
                try {
                    return admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                            .partitions().size();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the partition count of topic " + topic + ", which " + needs
                    + " needs: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing topic " + topic, e);
        }
    }
}
