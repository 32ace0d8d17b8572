package io.carbonllm.payback.cli;

import picocli.CommandLine.Option;

/** Where the tools publish: the demo's local stack by default. */
final class KafkaOptions {

    /** The demo's broker; {@link BrokerOptions} shares it. */
    static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers = DEFAULT_BOOTSTRAP_SERVERS;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Confluent-compatible registry (default: ${DEFAULT-VALUE}).")
    String registryUrl = "http://127.0.0.1:8081/apis/ccompat/v7";
}
