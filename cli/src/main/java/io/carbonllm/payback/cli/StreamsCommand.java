package io.carbonllm.payback.cli;

import io.carbonllm.payback.streams.PaybackStreamsRunner;
import io.carbonllm.payback.streams.config.EnvironmentConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "streams",
        mixinStandardHelpOptions = true,
        description = {"Runs the streams app alone against an existing Kafka cluster and schema registry. "
                + "Start more instances with the same application.id to scale out.",
            "Configuration comes from --config (a properties file), then KAFKA_*, PAYBACK_* and SCHEMA_REGISTRY_URL "
                + "environment variables, then -D key=value options. --list-config shows every key."})
final class StreamsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file.")
    Path configFile;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A configuration key, e.g. -D bootstrap.servers=broker:9092.")
    Map<String, String> overrides = new HashMap<>();

    @Option(names = "--list-config", description = "Print every configuration key with its default and documentation, then exit.")
    boolean listConfig;

    @Override
    public Integer call() throws Exception {
        if (listConfig) {
            for (ConfigDef.ConfigKey key : PaybackStreamsConfig.configDef().configKeys().values()) {
                spec.commandLine().getOut().printf("%s%n    %s%n    default: %s%n", key.name, key.documentation,
                        key.hasDefault() ? key.defaultValue : "(required)");
            }
            return 0;
        }
        Map<String, Object> props = new HashMap<>();
        if (configFile != null) {
            java.util.Properties file = new java.util.Properties();
            try (InputStream in = Files.newInputStream(configFile)) {
                file.load(in);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--config " + configFile + " cannot be read: " + e.getMessage());
            }
            file.forEach((k, v) -> props.put(k.toString(), v));
        }
        props.putAll(EnvironmentConfig.fromEnvironment(System.getenv()));
        props.putAll(overrides);
        PaybackStreamsRunner runner;
        try {
            runner = new PaybackStreamsRunner(new PaybackStreamsConfig(props));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid configuration: " + e.getMessage());
        }
        runner.installShutdownHook().start();
        spec.commandLine().getOut().println("streams app started; Ctrl-C stops it. Logs: " + System.getProperty("payback.log.dir"));
        if (runner.api() != null) {
            spec.commandLine().getOut().println("HTTP API: " + runner.api().baseUrl() + "/api/comparisons (every path: "
                    + runner.api().baseUrl() + "/api/openapi.json)");
        }
        // Once a minute, when they changed: the dead letters and skipped definitions this instance counted (also on JMX)
        String shown = runner.metrics().summary();
        while (!runner.awaitStopped(Duration.ofMinutes(1))) {
            String now = runner.metrics().summary();
            if (!now.equals(shown)) {
                spec.commandLine().getOut().println(java.time.Instant.now() + " since start: " + now);
                spec.commandLine().getOut().flush();
                shown = now;
            }
        }
        return runner.fatalError() == null ? 0 : 1;
    }
}
