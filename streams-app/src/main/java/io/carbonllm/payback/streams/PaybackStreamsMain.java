package io.carbonllm.payback.streams;

import io.carbonllm.payback.streams.config.EnvironmentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * Runs the streams app alone, for containers: {@code PaybackStreamsMain [app.properties]}. Environment variables
 * ({@code KAFKA_*}, {@code PAYBACK_*}, {@code SCHEMA_REGISTRY_URL}) override the file.
 */
public final class PaybackStreamsMain {

    private PaybackStreamsMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> props = new HashMap<>();
        if (args.length > 0) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
                file.load(in);
            } catch (IOException e) {
                System.err.println("Cannot read config file " + args[0] + ": " + e.getMessage());
                System.exit(2);
            }
            file.forEach((k, v) -> props.put(k.toString(), v));
        }
        props.putAll(EnvironmentConfig.fromEnvironment(System.getenv()));
        PaybackStreamsRunner runner;
        try {
            runner = new PaybackStreamsRunner(props);
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            runner.installShutdownHook().start();
        } catch (RuntimeException e) {
            // Kafka or the registry unreachable at start-up, or an incompatible schema: say so, without a stack trace.
            System.err.println("Cannot start: " + e.getMessage());
            runner.close();
            System.exit(1);
            return;
        }
        runner.awaitStopped();
        System.exit(runner.fatalError() == null ? 0 : 1);
    }
}
