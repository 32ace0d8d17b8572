package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.topics.Topics;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Names are part of the contract: a store's name is its changelog topic, an operator's name its repartition topic.
 * Renaming one loses state on upgrade, so this test makes a rename a deliberate act.
 */
class TopologyDescriptionTest {

    @Test
    void everyProcessorStoreAndInternalTopicHasItsDeliberateName() {
        // Given the production topology
        PaybackStreamsConfig config = new PaybackStreamsConfig(Map.of(
                PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://unused:8081"));
        var topology = new PaybackTopology(config, Topics.from(config, new InMemorySchemaRegistryClient())).build();

        // When it is described
        TopologyDescription description = topology.describe();
        Set<String> nodes = new TreeSet<>();
        Set<String> stores = new TreeSet<>();
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                nodes.add(node.name());
                if (node instanceof TopologyDescription.Processor processor) {
                    stores.addAll(processor.stores());
                }
                if (node instanceof TopologyDescription.Source source) {
                    topics.addAll(source.topicSet());
                }
                if (node instanceof TopologyDescription.Sink sink) {
                    topics.add(sink.topic());
                }
            }
        }

        // Then
        assertThat(description.subtopologies()).hasSize(2);
        assertThat(nodes).containsExactlyInAnyOrder(
                "read-inference-events", "validate", "key-by-variant",
                "by-use-case-repartition-filter", "by-use-case-repartition-sink", "by-use-case-repartition-source",
                "window-per-variant", "variant-window-updates", "to-variant-window-result", "write-variant-windows");
        assertThat(stores).containsExactly(StoreNames.VARIANT_WINDOWS);
        assertThat(topics).containsExactlyInAnyOrder("inference-events", "by-use-case-repartition", "variant-windows");
    }
}
