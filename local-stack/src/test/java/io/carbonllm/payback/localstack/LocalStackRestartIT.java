package io.carbonllm.payback.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real broker and registry keep topics, records and schema ids across a restart on the same data directory. */
class LocalStackRestartIT {

    private static final String SCHEMA_BODY =
            "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"int\\\"}]}\"}";

    @TempDir
    Path dataDir;

    @Test
    void topicsRecordsAndSchemaIdsSurviveARestart() throws Exception {
        int kafkaPort = Ports.findFree();
        int controllerPort = Ports.findFree();
        int registryPort = Ports.findFree();
        String schemaId;

        // Given a topic with a record, and a schema registered, on a fresh data directory
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(kafkaPort, controllerPort, dataDir.resolve("kafka")).start();
             ApicurioRegistry registry = ApicurioRegistry.persistent(registryPort, dataDir.resolve("registry")).start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("kept", Optional.of(2), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept", "k", "v1")).get(30, TimeUnit.SECONDS);
            }
            schemaId = post(registry.confluentApiUrl() + "/subjects/kept-value/versions", SCHEMA_BODY);
            assertThat(schemaId).startsWith("{\"id\":");
        }

        // When both restart on the same directory and ports
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(kafkaPort, controllerPort, dataDir.resolve("kafka")).start();
             ApicurioRegistry registry = ApicurioRegistry.persistent(registryPort, dataDir.resolve("registry")).start()) {
            // Then the topic and its record are still there
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept");
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "restart-it",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("kept"));
                List<String> values = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (values.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
                }
                assertThat(values).containsExactly("v1");
            }
            // And registering the same schema again returns the id it had before the restart
            assertThat(post(registry.confluentApiUrl() + "/subjects/kept-value/versions", SCHEMA_BODY)).isEqualTo(schemaId);
        }
    }

    @Test
    void aPortInUseFailsFastNamingThePortAndTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> new EmbeddedKafkaBroker(port, Ports.findFree(), dataDir.resolve("k")).start())
                    .isInstanceOf(LocalStackException.class)
                    .hasMessageContaining("Port " + port)
                    .hasMessageContaining("--kafka-port");
            assertThatThrownBy(() -> ApicurioRegistry.inMemory(port, dataDir.resolve("r")).start())
                    .isInstanceOf(LocalStackException.class)
                    .hasMessageContaining("Port " + port)
                    .hasMessageContaining("--registry-port");
        }
    }

    private static String post(String url, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body().replaceAll("\\s", "");
    }
}
