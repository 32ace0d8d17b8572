package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.Ports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./payback comparison put} against the real broker and registry: it reads the definition the comparisons
 * topic holds now, and refuses an edit that would restart a candidate's ledger unless {@code --new-epoch} confirms it.
 */
class ComparisonEpochIT {

    @TempDir
    Path dataDir;

    private static CliRun payback(String... args) {
        return CliRun.of(args);
    }

    @Test
    void anEditThatRestartsALedgerNeedsNewEpochAndOthersDoNot() throws Exception {
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Ports.findFree(), Ports.findFree(), dataDir.resolve("kafka")).start();
             ApicurioRegistry registry = ApicurioRegistry.inMemory(Ports.findFree(), dataDir.resolve("registry")).start()) {
            KafkaOptions kafka = new KafkaOptions();
            kafka.bootstrapServers = broker.bootstrapServers();
            kafka.registryUrl = registry.confluentApiUrl();
            List<String> common = List.of("comparison", "put", "--bootstrap-servers", kafka.bootstrapServers,
                    "--schema-registry-url", kafka.registryUrl, "--id", "support-ft", "--use-case", "support",
                    "--baseline", "llama-70b");

            // Given: no topic yet, so no current definition; then the compacted topic, and a first put publishes
            assertThat(CurrentComparison.read(kafka, TopicNames.COMPARISONS, "support-ft", CurrentComparison.DEFAULT_TIMEOUT)).isEmpty();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers))) {
                admin.createTopics(List.of(new NewTopic(TopicNames.COMPARISONS, Optional.of(3), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                        .all().get(30, TimeUnit.SECONDS);
            }
            CliRun first = payback(args(common, "--candidate", "ft=llama-a", "--candidate", "rag=llama-rag"));
            assertThat(first.exitCode()).as(first.err()).isZero();

            // When: an edit keeps the use case and models (a quality bar), it publishes without a warning
            CliRun bar = payback(args(common, "--candidate", "ft=llama-a", "--candidate", "rag=llama-rag",
                    "--min-success-rate", "0.8"));
            assertThat(bar.exitCode()).as(bar.err()).isZero();
            assertThat(bar.err()).doesNotContain("epoch");

            // When: ft's model changes without --new-epoch, it is refused and names the change
            CliRun refused = payback(args(common, "--candidate", "ft=llama-b", "--candidate", "rag=llama-rag"));
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("candidate ft: model llama-a -> llama-b").contains("pass --new-epoch to confirm")
                    .doesNotContain("candidate rag:");
            Optional<ComparisonDefinition> unchanged = CurrentComparison.read(kafka, TopicNames.COMPARISONS, "support-ft",
                    CurrentComparison.DEFAULT_TIMEOUT);
            assertThat(unchanged).map(d -> d.getCandidates().get(0).getModelId()).contains("llama-a");
            assertThat(unchanged).map(ComparisonDefinition::getMinSuccessRate).contains(0.8);

            // When: confirmed, it publishes, and the topic's current value is the new one
            CliRun confirmed = payback(args(common, "--candidate", "ft=llama-b", "--candidate", "rag=llama-rag", "--new-epoch"));
            assertThat(confirmed.exitCode()).as(confirmed.err()).isZero();
            assertThat(confirmed.err()).contains("candidate ft: model llama-a -> llama-b");
            assertThat(CurrentComparison.read(kafka, TopicNames.COMPARISONS, "support-ft", CurrentComparison.DEFAULT_TIMEOUT))
                    .map(d -> d.getCandidates().get(0).getModelId()).contains("llama-b");

            // When: the use case changes, it is refused even with --new-epoch, and nothing is published
            CliRun moved = payback("comparison", "put", "--bootstrap-servers", kafka.bootstrapServers,
                    "--schema-registry-url", kafka.registryUrl, "--id", "support-ft", "--use-case", "email",
                    "--baseline", "llama-70b", "--candidate", "ft=llama-b", "--candidate", "rag=llama-rag", "--new-epoch");
            assertThat(moved.exitCode()).isEqualTo(2);
            assertThat(moved.err()).contains("its use case cannot change (support -> email)");
            assertThat(CurrentComparison.read(kafka, TopicNames.COMPARISONS, "support-ft", CurrentComparison.DEFAULT_TIMEOUT))
                    .map(ComparisonDefinition::getUseCase).contains("support");

            // When: deleted (a tombstone), there is no current definition, and a new put needs no confirmation
            CliRun deleted = payback("comparison", "delete", "--bootstrap-servers", kafka.bootstrapServers,
                    "--schema-registry-url", kafka.registryUrl, "--id", "support-ft");
            assertThat(deleted.exitCode()).as(deleted.err()).isZero();
            assertThat(CurrentComparison.read(kafka, TopicNames.COMPARISONS, "support-ft", CurrentComparison.DEFAULT_TIMEOUT)).isEmpty();
            CliRun again = payback(args(common, "--candidate", "ft=llama-c"));
            assertThat(again.exitCode()).as(again.err()).isZero();
        }
    }

    private static String[] args(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
