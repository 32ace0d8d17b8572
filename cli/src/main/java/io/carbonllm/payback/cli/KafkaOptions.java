package io.carbonllm.payback.cli;

import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.RegistryClientConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** Where the tools publish: the demo's local stack by default; a client properties file for secured clusters. */
final class KafkaOptions {

    /** The demo's broker; {@link BrokerOptions} shares it. */
    static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers = DEFAULT_BOOTSTRAP_SERVERS;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Confluent-compatible registry (default: ${DEFAULT-VALUE}).")
    String registryUrl = "http://127.0.0.1:8081/apis/ccompat/v7";

    @Option(names = "--command-config", paramLabel = "FILE", description = "Client properties, as Kafka's own tools take "
            + "them: security.protocol, sasl.*, ssl.* and any other client setting go to the Kafka clients untouched; "
            + "schema.registry.*, basic.auth.* and bearer.auth.* go to the registry client.")
    Path commandConfig;

    /** The Kafka client settings of --command-config (registry keys left out), then --bootstrap-servers. */
    Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        commandConfig().forEach((k, v) -> {
            if (!isRegistryKey(k.toString())) {
                props.put(k.toString(), v);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** A registry client for --schema-registry-url with the registry settings of --command-config (auth, TLS). */
    HttpSchemaRegistryClient registryClient() {
        Map<String, Object> props = new HashMap<>();
        commandConfig().forEach((k, v) -> {
            if (isRegistryKey(k.toString())) {
                props.put(k.toString(), v);
            }
        });
        props.put(RegistryClientConfig.URL_CONFIG, registryUrl);
        return new HttpSchemaRegistryClient(RegistryClientConfig.fromProperties(props));
    }

    private Properties commandConfig() {
        return read(commandConfig);
    }

    /** The client properties file of {@code --command-config}; empty when none is given. */
    static Properties read(Path commandConfig) {
        Properties file = new Properties();
        if (commandConfig == null) {
            return file;
        }
        try (InputStream in = Files.newInputStream(commandConfig)) {
            file.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("--command-config " + commandConfig + " cannot be read: " + e.getMessage(), e);
        }
        return file;
    }

    static boolean isRegistryKey(String key) {
        return key.startsWith("schema.registry.") || key.startsWith("basic.auth.") || key.startsWith("bearer.auth.");
    }
}
