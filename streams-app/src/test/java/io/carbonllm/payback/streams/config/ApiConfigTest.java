package io.carbonllm.payback.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ApiConfigTest {

    private static final String TOKEN = "t0ken-with-16-chars-or-more";

    private static Map<String, Object> minimal() {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "b:9092");
        props.put("schema.registry.url", "http://r:8081");
        return props;
    }

    private static ApiConfig api(Map<String, Object> props) {
        return new PaybackStreamsConfig(props).api();
    }

    @Test
    void byDefaultTheApiServesPlainHttpOnLoopback8080WithoutAuthOrCors() {
        ApiConfig api = api(minimal());
        assertThat(api.enabled()).isTrue();
        assertThat(api.host()).isEqualTo("127.0.0.1");
        assertThat(api.port()).isEqualTo(8080);
        assertThat(api.authMode()).isEqualTo(ApiConfig.AuthMode.NONE);
        assertThat(api.readToken()).isNull();
        assertThat(api.writeToken()).isNull();
        assertThat(api.tls()).isFalse();
        assertThat(api.corsOrigins()).isEmpty();
        assertThat(api.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(api.applicationServer()).isNull();
    }

    @Test
    void theKeysAreListedWithTheOthers() {
        assertThat(PaybackStreamsConfig.configDef().names()).contains("payback.api.port", "payback.api.auth.mode",
                "payback.api.auth.token", "payback.api.tls.keystore.location", "payback.api.cors.allowed.origins",
                "payback.api.max.body.bytes", "payback.api.forward.timeout.ms");
    }

    @Test
    void turningAuthOnWithoutATokenFailsNamingTheTokenKey() {
        Map<String, Object> props = minimal();
        props.put("payback.api.auth.mode", "writes");
        assertThatThrownBy(() -> api(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.api.auth.token").hasMessageContaining("payback.api.auth.write.token");
    }

    @Test
    void modeAllNeedsAReadTokenToo() {
        Map<String, Object> props = minimal();
        props.put("payback.api.auth.mode", "all");
        props.put("payback.api.auth.write.token", TOKEN);
        assertThatThrownBy(() -> api(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.api.auth.read.token");
    }

    @Test
    void oneTokenServesBothRolesAndARoleTokenOverridesIt() {
        Map<String, Object> props = minimal();
        props.put("payback.api.auth.mode", "all");
        props.put("payback.api.auth.token", TOKEN);
        props.put("payback.api.auth.read.token", "reader-token-0123456789");
        ApiConfig api = api(props);
        assertThat(api.readToken().value()).isEqualTo("reader-token-0123456789");
        assertThat(api.writeToken().value()).isEqualTo(TOKEN);
    }

    @Test
    void inModeWritesReadsAreOpen() {
        Map<String, Object> props = minimal();
        props.put("payback.api.auth.mode", "writes");
        props.put("payback.api.auth.token", TOKEN);
        assertThat(api(props).readToken()).isNull();
        assertThat(api(props).writeToken().value()).isEqualTo(TOKEN);
    }

    @Test
    void aTokenWithAuthOffIsRefusedRatherThanSilentlyIgnored() {
        Map<String, Object> props = minimal();
        props.put("payback.api.auth.token", TOKEN);
        assertThatThrownBy(() -> api(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.api.auth.mode");
    }

    @Test
    void aShortTokenIsRefusedWithoutEchoingIt() {
        Map<String, Object> props = minimal();
        props.put("payback.api.auth.mode", "writes");
        props.put("payback.api.auth.token", "secret42");
        assertThatThrownBy(() -> api(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.api.auth.token").hasMessageContaining("16")
                .hasMessageNotContaining("secret42");
    }

    @Test
    void anInvalidAuthModeNamesTheAllowedValues() {
        Map<String, Object> props = minimal();
        props.put("payback.api.auth.mode", "some");
        assertThatThrownBy(() -> api(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.api.auth.mode").hasMessageContaining("none")
                .hasMessageContaining("writes").hasMessageContaining("all");
    }

    @Test
    void aPortOutOfRangeFailsNamingTheKey() {
        Map<String, Object> props = minimal();
        props.put("payback.api.port", "70000");
        assertThatThrownBy(() -> api(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.api.port");
    }

    @Test
    void aWildcardHostNeedsApplicationServer() {
        Map<String, Object> props = minimal();
        props.put("payback.api.host", "0.0.0.0");
        assertThatThrownBy(() -> api(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("application.server");
        props.put("application.server", "app-1.internal:8080");
        assertThat(api(props).applicationServer()).isEqualTo("app-1.internal:8080");
    }

    @Test
    void aMissingKeystoreFailsNamingTheKey() {
        Map<String, Object> props = minimal();
        props.put("payback.api.tls.keystore.location", "/nonexistent/keystore.p12");
        assertThatThrownBy(() -> api(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.api.tls.keystore.location");
    }

    @Test
    void corsOriginsMustBeUrlsOrAStar() {
        Map<String, Object> props = minimal();
        props.put("payback.api.cors.allowed.origins", "https://ops.example.com,ops2.example.com");
        assertThatThrownBy(() -> api(props)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.api.cors.allowed.origins").hasMessageContaining("ops2.example.com");
        props.put("payback.api.cors.allowed.origins", "https://ops.example.com, *");
        assertThat(api(props).corsOrigins()).containsExactly("https://ops.example.com", "*");
    }

    @Test
    void tokensArePasswordsThatKafkaLogsAsHidden() {
        Map<String, Object> props = minimal();
        props.put("payback.api.auth.mode", "writes");
        props.put("payback.api.auth.token", TOKEN);
        PaybackStreamsConfig config = new PaybackStreamsConfig(props);
        assertThat(config.getPassword("payback.api.auth.token").toString()).isEqualTo("[hidden]");
        assertThat(config.values().toString()).doesNotContain(TOKEN);
    }
}
