package io.carbonllm.payback.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** Where the tools that need Kafka alone (no schema registry) connect: the demo's broker by default. */
final class BrokerOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers = KafkaOptions.DEFAULT_BOOTSTRAP_SERVERS;

    @Option(names = "--command-config", paramLabel = "FILE", description = "Client properties, as Kafka's own tools take "
            + "them: security.protocol, sasl.*, ssl.* and any other client setting go to the Kafka clients untouched.")
    Path commandConfig;

    /** The client settings of --command-config (registry keys left out), then --bootstrap-servers. */
    Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        KafkaOptions.read(commandConfig).forEach((k, v) -> {
            if (!KafkaOptions.isRegistryKey(k.toString())) {
                props.put(k.toString(), v);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }
}
