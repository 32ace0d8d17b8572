package io.carbonllm.payback.streams;

import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.streams.alerts.AlertWebhookSink;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The alert webhook sink alone in a JVM of its own, built as the runner builds it, so a test can kill it with SIGKILL
 * mid-delivery: {@code AlertWebhookChild app.properties}. It prints "sink started" once running.
 */
public final class AlertWebhookChild {

    private AlertWebhookChild() {
    }

    public static void main(String[] args) throws Exception {
        Properties file = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            file.load(in);
        }
        Map<String, Object> props = new HashMap<>();
        file.forEach((k, v) -> props.put(k.toString(), v));
        PaybackStreamsConfig config = new PaybackStreamsConfig(props);
        Topics topics = Topics.from(config, new HttpSchemaRegistryClient(config.schemaRegistryUrl()));
        AlertWebhookSink.create(config.alertWebhook(), config.originals(), config.paybackAlertsTopic(),
                topics.paybackAlerts().valueSerde().deserializer(), new SimpleMeterRegistry()).start();
        System.out.println("sink started");
        Thread.currentThread().join();
    }
}
