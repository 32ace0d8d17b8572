package io.carbonllm.payback.streams.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps environment variables to configuration keys, for containers.
 *
 * <p>{@code KAFKA_BOOTSTRAP_SERVERS} becomes {@code bootstrap.servers} and {@code PAYBACK_WINDOW_SIZE_MS} becomes
 * {@code payback.window.size.ms}: lower-cased, a single {@code _} becomes {@code .} and a double {@code __}
 * becomes {@code -} (so {@code PAYBACK_TOPIC_INFERENCE__EVENTS} is {@code payback.topic.inference-events}).
 * {@code SCHEMA_REGISTRY_URL} maps too.
 */
public final class EnvironmentConfig {

    private EnvironmentConfig() {
    }

    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> props = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_")) {
                props.put(toKey(name.substring("KAFKA_".length())), value);
            } else if (name.startsWith("PAYBACK_") && !name.startsWith("PAYBACK_APICURIO_")
                    && !name.startsWith("PAYBACK_REGISTRY_JAVA")) {
                props.put(toKey(name), value);
            } else if (name.equals("SCHEMA_REGISTRY_URL")) {
                props.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, value);
            }
        });
        return props;
    }

    static String toKey(String name) {
        return name.toLowerCase(Locale.ROOT).replace("__", "\u0000").replace('_', '.').replace('\u0000', '-');
    }
}
