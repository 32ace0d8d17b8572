package io.carbonllm.payback.streams.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.streams.config.EnvironmentConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** {@code payback.alerts.webhook.*}: validated when the app's config is built, naming the key and what is allowed. */
class AlertWebhookConfigTest {

    private static Map<String, Object> props(Object... pairs) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "b:9092");
        props.put("schema.registry.url", "http://r:8081");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put((String) pairs[i], pairs[i + 1]);
        }
        return props;
    }

    private static AlertWebhookConfig webhook(Object... pairs) {
        return new PaybackStreamsConfig(props(pairs)).alertWebhook();
    }

    @Test
    void withoutAUrlTheWebhookIsOffAndTheDefaultsAreGenericUnlimitedAndOneSecondDoubling() {
        AlertWebhookConfig off = webhook();
        assertThat(off.enabled()).isFalse();
        AlertWebhookConfig on = webhook(AlertWebhookConfig.URL_CONFIG, "https://hooks.example/payback?token=x");
        assertThat(on.enabled()).isTrue();
        assertThat(on.format()).isEqualTo(AlertWebhookConfig.Format.GENERIC);
        assertThat(on.maxAttempts()).isZero();
        assertThat(on.groupId()).isEqualTo("carbon-llm-payback-alert-webhook");
        assertThat(on.autoOffsetReset()).isEqualTo("earliest");
        // 1 s, 2 s, 4 s ... 32 s, then the 60 s maximum
        assertThat(on.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(on.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(on.backoffAfter(6)).isEqualTo(Duration.ofSeconds(32));
        assertThat(on.backoffAfter(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(on.backoffAfter(1_000)).isEqualTo(Duration.ofSeconds(60));
        // what logs may say: no path, no query
        assertThat(on.target()).isEqualTo("https://hooks.example");
        assertThat(on.toString()).doesNotContain("token");
    }

    @Test
    void anUrlThatIsNotHttpFailsNamingTheKey() {
        for (String bad : new String[] {"ftp://hooks.example/x", "hooks.example/x", "http://"}) {
            assertThatThrownBy(() -> webhook(AlertWebhookConfig.URL_CONFIG, bad))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("payback.alerts.webhook.url")
                    .hasMessageContaining("absolute http or https URL")
                    .hasMessageNotContaining("hooks.example");
        }
    }

    @Test
    void theUrlIsASecretTheConfigDumpDoesNotPrint() {
        // Slack-style: the path is the credential
        String url = "https://hooks.slack.example/services/T000/B000/SECRETPATHTOKEN";
        PaybackStreamsConfig config = new PaybackStreamsConfig(props(AlertWebhookConfig.URL_CONFIG, url));
        assertThat(config.alertWebhook().url()).hasToString(url);
        // What AbstractConfig logs at start-up: each value's toString
        assertThat(config.values().get(AlertWebhookConfig.URL_CONFIG)).hasToString("[hidden]");
        assertThat(config.values().toString()).doesNotContain("SECRETPATHTOKEN");
    }

    @Test
    void anUnknownFormatFailsNamingTheKeyAndTheAllowedValues() {
        assertThatThrownBy(() -> webhook(AlertWebhookConfig.FORMAT_CONFIG, "slack"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.alerts.webhook.format")
                .hasMessageContaining("generic")
                .hasMessageContaining("alertmanager");
        assertThat(webhook(AlertWebhookConfig.FORMAT_CONFIG, "alertmanager").format())
                .isEqualTo(AlertWebhookConfig.Format.ALERTMANAGER);
    }

    @Test
    void backoffsAttemptsTimeoutsAndOffsetResetAreChecked() {
        assertThatThrownBy(() -> webhook(AlertWebhookConfig.BACKOFF_INITIAL_MS_CONFIG, "5000",
                AlertWebhookConfig.BACKOFF_MAX_MS_CONFIG, "1000"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("payback.alerts.webhook.backoff.max.ms")
                .hasMessageContaining("at least payback.alerts.webhook.backoff.initial.ms = 5000");
        assertThatThrownBy(() -> webhook(AlertWebhookConfig.BACKOFF_INITIAL_MS_CONFIG, "0"))
                .hasMessageContaining("payback.alerts.webhook.backoff.initial.ms");
        assertThatThrownBy(() -> webhook(AlertWebhookConfig.MAX_ATTEMPTS_CONFIG, "-1"))
                .hasMessageContaining("payback.alerts.webhook.max.attempts");
        assertThatThrownBy(() -> webhook(AlertWebhookConfig.TIMEOUT_MS_CONFIG, "0"))
                .hasMessageContaining("payback.alerts.webhook.timeout.ms");
        assertThatThrownBy(() -> webhook(AlertWebhookConfig.AUTO_OFFSET_RESET_CONFIG, "none"))
                .hasMessageContaining("payback.alerts.webhook.auto.offset.reset")
                .hasMessageContaining("earliest, latest");
    }

    @Test
    void theKeysAreListedWithTheAppsAndMapFromTheEnvironment() {
        assertThat(PaybackStreamsConfig.configDef().names()).contains(AlertWebhookConfig.URL_CONFIG,
                AlertWebhookConfig.FORMAT_CONFIG, AlertWebhookConfig.BACKOFF_INITIAL_MS_CONFIG,
                AlertWebhookConfig.BACKOFF_MAX_MS_CONFIG, AlertWebhookConfig.MAX_ATTEMPTS_CONFIG,
                AlertWebhookConfig.TIMEOUT_MS_CONFIG, AlertWebhookConfig.GROUP_ID_CONFIG,
                AlertWebhookConfig.AUTO_OFFSET_RESET_CONFIG, AlertWebhookConfig.BEARER_TOKEN_CONFIG);
        Map<String, String> env = EnvironmentConfig.fromEnvironment(Map.of(
                "PAYBACK_ALERTS_WEBHOOK_URL", "http://receiver:9000/hook",
                "PAYBACK_ALERTS_WEBHOOK_FORMAT", "alertmanager"));
        Map<String, Object> props = props();
        props.putAll(env);
        AlertWebhookConfig fromEnv = new PaybackStreamsConfig(props).alertWebhook();
        assertThat(fromEnv.url()).hasToString("http://receiver:9000/hook");
        assertThat(fromEnv.format()).isEqualTo(AlertWebhookConfig.Format.ALERTMANAGER);
    }

    @Test
    void theGroupAndConsumerSettingsCanBeOverridden() {
        AlertWebhookConfig config = webhook(AlertWebhookConfig.URL_CONFIG, "http://h/x",
                AlertWebhookConfig.GROUP_ID_CONFIG, "ops-webhook",
                AlertWebhookConfig.CONSUMER_PREFIX + "max.poll.records", "10");
        assertThat(config.groupId()).isEqualTo("ops-webhook");
        assertThat(config.consumerOverrides()).containsEntry("max.poll.records", "10");
    }
}
