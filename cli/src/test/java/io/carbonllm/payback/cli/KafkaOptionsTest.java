package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --command-config}: Kafka's client settings pass to the clients untouched, the registry's to its client. */
class KafkaOptionsTest {

    @TempDir
    Path dir;

    @Test
    void securitySettingsGoToTheKafkaClientsAndRegistryAuthToTheRegistryClient() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
                ssl.truststore.location=/etc/kafka/truststore.jks
                basic.auth.credentials.source=USER_INFO
                basic.auth.user.info=reg-user:reg-secret
                """);
        KafkaOptions options = new KafkaOptions();
        options.bootstrapServers = "broker:9093";
        options.commandConfig = file;

        Map<String, Object> client = options.clientProperties();
        assertThat(client).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
                .containsEntry("bootstrap.servers", "broker:9093")
                .doesNotContainKeys("basic.auth.credentials.source", "basic.auth.user.info");
        // and the registry client builds from the registry settings, and does not show the secret
        assertThat(options.registryClient().describe()).contains(options.registryUrl).doesNotContain("reg-secret");
    }

    @Test
    void anUnreadableFileIsNamed() {
        KafkaOptions options = new KafkaOptions();
        options.commandConfig = dir.resolve("missing.properties");
        assertThatThrownBy(options::clientProperties).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--command-config " + dir.resolve("missing.properties") + " cannot be read");
    }

    @Test
    void withoutAFileOnlyTheBootstrapServersAreSet() {
        KafkaOptions options = new KafkaOptions();
        assertThat(options.clientProperties()).isEqualTo(Map.of("bootstrap.servers", "127.0.0.1:9092"));
    }

    @Test
    void theDeadLetterCommandsTakeTheSameFileForTheirKafkaClients() throws Exception {
        // ./payback dlq and dlq replay talk to Kafka alone: the file's Kafka settings, not the registry's
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                security.protocol=SSL
                ssl.truststore.location=/etc/kafka/truststore.jks
                bearer.auth.token=secret
                """);
        BrokerOptions options = new BrokerOptions();
        options.bootstrapServers = "broker:9093";
        options.commandConfig = file;
        assertThat(options.clientProperties()).isEqualTo(Map.of("security.protocol", "SSL",
                "ssl.truststore.location", "/etc/kafka/truststore.jks", "bootstrap.servers", "broker:9093"));
    }
}
