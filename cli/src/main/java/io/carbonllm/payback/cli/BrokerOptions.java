package io.carbonllm.payback.cli;

import picocli.CommandLine.Option;

/** Where the tools that need Kafka alone (no schema registry) connect: the demo's broker by default. */
final class BrokerOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka (default: ${DEFAULT-VALUE}).")
    String bootstrapServers = KafkaOptions.DEFAULT_BOOTSTRAP_SERVERS;
}
