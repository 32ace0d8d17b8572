package io.carbonllm.payback.streams.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.schemas.registry.CompatibilityLevel;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** At start-up the subjects producers write get FULL_TRANSITIVE, the rule the contract's evolution guard enforces. */
class ContractCompatibilityTest {

    private static final String URL = "http://registry:8081";

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    // The inference topic renamed, to show the subjects follow the configured names
    private final Topics topics = Topics.from(new PaybackStreamsConfig(Map.of(
            PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
            PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, URL,
            PaybackStreamsConfig.INFERENCE_EVENTS_TOPIC_CONFIG, "gateway-events")), registry);

    @Test
    void theValueSubjectsOfTheFourInputTopicsGetFullTransitiveAndNoOtherSubjectChanges() {
        // When
        Map<String, String> refused = ContractCompatibility.apply(registry, topics);

        // Then
        assertThat(refused).isEmpty();
        for (String subject : List.of("gateway-events-value", "comparisons-value", "training-runs-value", "factors-value")) {
            assertThat(registry.compatibility(subject)).as(subject).contains(CompatibilityLevel.FULL_TRANSITIVE);
        }
        assertThat(registry.compatibility("inference-events-value")).isEmpty();
        assertThat(registry.compatibility("variant-windows-value")).isEmpty();
        assertThat(registry.compatibility("payback-status-value")).isEmpty();
    }

    @Test
    void aRegistryThatRefusesTheLevelForOneSubjectIsSkippedAndTheOthersAreStillSet() {
        // Given a registry that answers 422 for comparisons-value
        SchemaRegistryClient refusing = new Refusing(registry, "comparisons-value",
                new SchemaRegistryException("HTTP 422 (error_code 42203) to PUT for compatibility FULL_TRANSITIVE of "
                        + "subject 'comparisons-value': Invalid compatibility level", URL, 422, 42203, null));

        // When
        Map<String, String> refused = ContractCompatibility.apply(refusing, topics);

        // Then that one is reported (and logged at WARN), and start-up goes on to the rest
        assertThat(refused).containsOnlyKeys("comparisons-value");
        assertThat(refused.get("comparisons-value")).contains("HTTP 422");
        assertThat(registry.compatibility("comparisons-value")).isEmpty();
        assertThat(registry.compatibility("gateway-events-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(registry.compatibility("factors-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
    }

    @Test
    void refusedCredentialsStopStartUpNamingTheSubjectTheLevelAndTheRegistry() {
        SchemaRegistryClient unauthorized = new Refusing(registry, "gateway-events-value",
                new SchemaRegistryException.Unauthorized("HTTP 401 to PUT", URL, 401, -1));

        assertThatThrownBy(() -> ContractCompatibility.apply(unauthorized, topics))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot set compatibility FULL_TRANSITIVE of subject 'gateway-events-value'")
                .hasMessageContaining("in-memory registry")
                .hasMessageContaining("HTTP 401");
    }

    @Test
    void anUnreachableRegistryStopsStartUpToo() {
        SchemaRegistryClient unreachable = new Refusing(registry, "gateway-events-value",
                new SchemaRegistryException.Unavailable("HTTP 503 after 3 tries", URL, 503, null));

        assertThatThrownBy(() -> ContractCompatibility.apply(unreachable, topics))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HTTP 503");
    }

    /** The in-memory registry, except that setting the level of one subject throws. */
    private record Refusing(InMemorySchemaRegistryClient delegate, String subject, SchemaRegistryException answer)
            implements SchemaRegistryClient {

        @Override
        public void setCompatibility(String s, CompatibilityLevel level) {
            if (s.equals(subject)) {
                throw answer;
            }
            delegate.setCompatibility(s, level);
        }

        @Override
        public Optional<CompatibilityLevel> compatibility(String s) {
            return delegate.compatibility(s);
        }

        @Override
        public int register(String s, Schema schema) {
            return delegate.register(s, schema);
        }

        @Override
        public int lookup(String s, Schema schema) {
            return delegate.lookup(s, schema);
        }

        @Override
        public Schema schemaById(int id) {
            return delegate.schemaById(id);
        }

        @Override
        public boolean isCompatible(String s, Schema schema) {
            return delegate.isCompatible(s, schema);
        }

        @Override
        public List<String> subjects() {
            return delegate.subjects();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
