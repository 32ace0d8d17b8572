package io.carbonllm.payback.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {

    @Test
    void readsTheConfluentStylePropertyNames() {
        RegistryClientConfig config = RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://a:8081/, https://b:8081/apis/ccompat/v7",
                "basic.auth.user.info", "svc:s3cret",
                "schema.registry.request.timeout.ms", "2500"));
        assertThat(config.baseUrls()).containsExactly(URI.create("http://a:8081"), URI.create("https://b:8081/apis/ccompat/v7"));
        assertThat(config.basicAuthUserInfo()).isEqualTo("svc:s3cret");
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.sslContext()).isNull();
    }

    @Test
    void aMissingUrlNamesTheKey() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void aUrlWithoutHttpSchemeIsRejected() {
        assertThatThrownBy(() -> RegistryClientConfig.builder("mock://x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mock://x")
                .hasMessageContaining("http:// or https://");
    }

    @Test
    void userInfoWithoutAColonIsRejected() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://a:8081", "basic.auth.user.info", "justauser")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void anUnreadableTruststoreNamesTheFileAndTheKey() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "https://a:8081",
                "schema.registry.ssl.truststore.location", "/nonexistent/truststore.p12")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/nonexistent/truststore.p12")
                .hasMessageContaining("schema.registry.ssl.truststore.location");
    }

    @Test
    void aNonNumericTimeoutNamesTheKey() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://a:8081", "schema.registry.request.timeout.ms", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.request.timeout.ms")
                .hasMessageContaining("soon");
    }
}
