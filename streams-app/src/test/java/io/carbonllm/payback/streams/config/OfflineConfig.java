package io.carbonllm.payback.streams.config;

import java.util.HashMap;
import java.util.Map;

/** An app config that never reaches a broker or a registry: for tests that build the topology or read the config. */
public final class OfflineConfig {

    private OfflineConfig() {
    }

    /** The two required keys pointing nowhere, then {@code keysAndValues} in pairs. */
    public static PaybackStreamsConfig of(Object... keysAndValues) {
        Map<String, Object> props = new HashMap<>();
        props.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://unused:8081");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return new PaybackStreamsConfig(props);
    }
}
