package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.OfflineConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.topics.Topics;
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
        PaybackStreamsConfig config = OfflineConfig.of();
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
        // folding, windowing and comparing share one sub-topology, after the one repartition by use case
        assertThat(description.subtopologies()).hasSize(2);
        assertThat(nodes).containsExactlyInAnyOrder(
                "read-inference-events", "validate", "account-energy", "key-by-variant",
                "by-use-case-repartition-filter", "by-use-case-repartition-sink", "by-use-case-repartition-source",
                "fold-tasks-and-window", "write-variant-windows",
                // the engine forwards each output to its sink by name: no instanceof split
                "compare-amortize-alert", "write-comparison-windows", "write-payback-status", "write-payback-alerts",
                "write-period-totals", "write-period-restatements");
        assertThat(stores).containsExactlyInAnyOrder(StoreNames.OPEN_TASKS, StoreNames.TASK_CLOSE_INDEX,
                StoreNames.VARIANT_WINDOWS, StoreNames.PAYBACK_LEDGER,
                StoreNames.BASELINE_REFERENCES, StoreNames.OPEN_ALERTS, StoreNames.COMPARISON_WINDOWS,
                StoreNames.ENGINE_PENDING, StoreNames.VARIANT_PENDING, StoreNames.PERIOD_TOTALS,
                StoreNames.PERIOD_INDEX);
        assertThat(topics).containsExactlyInAnyOrder("inference-events", "by-use-case-repartition",
                "variant-windows", "comparison-windows", "payback-status", "payback-alerts", "period-totals",
                "period-restatements");

        // And the global stores read their compacted topics, through a validating reader, into their named stores
        Set<String> globalStores = new TreeSet<>();
        Set<String> globalTopics = new TreeSet<>();
        Set<String> globalNodes = new TreeSet<>();
        for (TopologyDescription.GlobalStore global : description.globalStores()) {
            globalNodes.add(global.source().name());
            globalNodes.add(global.processor().name());
            globalStores.addAll(global.processor().stores());
            globalTopics.addAll(global.source().topicSet());
        }
        assertThat(globalStores).containsExactlyInAnyOrder(StoreNames.COMPARISONS, StoreNames.TRAINING_RUNS,
                StoreNames.FACTORS);
        assertThat(globalTopics).containsExactlyInAnyOrder("comparisons", "training-runs", "factors");
        assertThat(globalNodes).containsExactlyInAnyOrder("read-comparisons", "read-training-runs", "read-factors",
                "read-comparisons-source", "read-training-runs-source", "read-factors-source");
    }
}
