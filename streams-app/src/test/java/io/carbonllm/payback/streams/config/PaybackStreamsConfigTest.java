package io.carbonllm.payback.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class PaybackStreamsConfigTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "b:9092");
        props.put("schema.registry.url", "http://r:8081");
        return props;
    }

    @Test
    void defaultsAreExactlyOnceAndStateUnderTheDataDir() {
        Map<String, Object> props = minimal();
        props.put("payback.data.dir", "/var/lib/payback");
        var streams = new PaybackStreamsConfig(props).streamsProperties();
        assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
        assertThat(streams.get(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo("/var/lib/payback/streams");
        assertThat(streams.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("carbon-llm-payback");
    }

    @Test
    void anInvalidGuaranteeFailsNamingTheKeyAndTheAllowedValues() {
        Map<String, Object> props = minimal();
        props.put("processing.guarantee", "exactly_twice");
        assertThatThrownBy(() -> new PaybackStreamsConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("processing.guarantee")
                .hasMessageContaining("exactly_twice")
                .hasMessageContaining("exactly_once_v2")
                .hasMessageContaining("at_least_once");
    }

    @Test
    void aMissingRegistryUrlFailsNamingTheKey() {
        Map<String, Object> props = minimal();
        props.remove("schema.registry.url");
        assertThatThrownBy(() -> new PaybackStreamsConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void retentionShorterThanWindowPlusGraceFailsWithTheMinimum() {
        Map<String, Object> props = minimal();
        props.put("payback.window.size.ms", "60000");
        props.put("payback.window.grace.ms", "30000");
        props.put("payback.window.retention.ms", "60000");
        assertThatThrownBy(() -> new PaybackStreamsConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.window.retention.ms")
                .hasMessageContaining("90000 ms");
    }

    @Test
    void aGraceAboveAHundredWindowsFailsWithTheMaximumAndExactlyAHundredPasses() {
        // Given one-minute windows: the most grace is 100 x 60,000 = 6,000,000 ms (retention stays at its default,
        // 7 days = 604,800,000 ms, well above 60,000 + 6,000,000 ms)
        Map<String, Object> tooMuch = minimal();
        tooMuch.put("payback.window.size.ms", "60000");
        tooMuch.put("payback.window.grace.ms", "6000001");
        Map<String, Object> atTheLimit = minimal();
        atTheLimit.put("payback.window.size.ms", "60000");
        atTheLimit.put("payback.window.grace.ms", "6000000");

        // When, Then one millisecond more fails at construction, naming the key, the value and the maximum
        assertThatThrownBy(() -> new PaybackStreamsConfig(tooMuch))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.window.grace.ms")
                .hasMessageContaining("6000001")
                .hasMessageContaining("at most 100 x payback.window.size.ms = 6000000 ms");
        // and exactly 100 windows is allowed
        assertThat(new PaybackStreamsConfig(atTheLimit).windowGrace()).isEqualTo(Duration.ofMillis(6_000_000));
    }

    @Test
    void aNonNumericPartitionCountFailsNamingTheKey() {
        Map<String, Object> props = minimal();
        props.put("payback.topic.partitions", "six");
        assertThatThrownBy(() -> new PaybackStreamsConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.topic.partitions");
    }

    @Test
    void environmentVariablesMapToKeys() {
        Map<String, String> mapped = EnvironmentConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
                "PAYBACK_WINDOW_SIZE_MS", "30000",
                "PAYBACK_TOPIC_INFERENCE__EVENTS", "llm-events",
                "SCHEMA_REGISTRY_URL", "http://registry:8081",
                "PAYBACK_APICURIO_HOME", "/opt/apicurio",
                "HOME", "/root"));
        assertThat(mapped).containsOnly(
                Map.entry("bootstrap.servers", "broker:9092"),
                Map.entry("payback.window.size.ms", "30000"),
                Map.entry("payback.topic.inference-events", "llm-events"),
                Map.entry("schema.registry.url", "http://registry:8081"));
    }
}
