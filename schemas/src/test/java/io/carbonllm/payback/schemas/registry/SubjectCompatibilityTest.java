package io.carbonllm.payback.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Subject compatibility over the Confluent REST API, as Confluent, Karapace and Redpanda answer it: a loopback endpoint
 * with canned answers, for the answers the real registry in the ITs (Apicurio) never gives, such as 40408. The same
 * calls against Apicurio are in {@code ApicurioRegistryClientIT}.
 */
class SubjectCompatibilityTest {

    private HttpServer server;
    private final List<String> requests = new ArrayList<>();

    private String answering(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String sent = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (requests) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type") + " " + sent);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void settingALevelPutsItAsConfluentSpecifies() throws IOException {
        String url = answering(200, "{\"compatibility\":\"FULL_TRANSITIVE\"}");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url)) {
            client.setCompatibility("inference-events-value", CompatibilityLevel.FULL_TRANSITIVE);
        }
        assertThat(requests).containsExactly("PUT /config/inference-events-value application/vnd.schemaregistry.v1+json "
                + "{\"compatibility\":\"FULL_TRANSITIVE\"}");
    }

    @Test
    void aSubjectWithoutALevelOfItsOwnHasNoneRatherThanAnError() throws IOException {
        // Confluent 7+, Karapace and Redpanda: 404 with error code 40408
        String url = answering(404, "{\"error_code\":40408,\"message\":\"Subject 'x-value' does not have subject-level "
                + "compatibility configured\"}");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url)) {
            assertThat(client.compatibility("x-value")).isEmpty();
        }
        assertThat(requests).containsExactly("GET /config/x-value null ");
    }

    @Test
    void theLevelIsReadFromConfluentsAnswer() throws IOException {
        String url = answering(200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url)) {
            assertThat(client.compatibility("x-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        }
    }

    @Test
    void aLevelTheClientDoesNotKnowIsAnErrorNamingItAndTheSubject() throws IOException {
        String url = answering(200, "{\"compatibilityLevel\":\"SIDEWAYS\"}");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url)) {
            assertThatThrownBy(() -> client.compatibility("x-value"))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("subject 'x-value'")
                    .hasMessageContaining("Unknown compatibility level 'SIDEWAYS'")
                    .hasMessageContaining("FULL_TRANSITIVE");
        }
    }

    @Test
    void aRefusedLevelIsAnErrorNamingTheStatusTheLevelAndTheSubject() throws IOException {
        String url = answering(422, "{\"error_code\":42203,\"message\":\"Invalid compatibility level\"}");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url)) {
            assertThatThrownBy(() -> client.setCompatibility("x-value", CompatibilityLevel.FULL_TRANSITIVE))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("HTTP 422 (error_code 42203)")
                    .hasMessageContaining("compatibility FULL_TRANSITIVE of subject 'x-value'")
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).status()).isEqualTo(422));
        }
    }

    @Test
    void theInMemoryRegistryEnforcesTheLevelItWasGiven() {
        // Given a subject at FULL_TRANSITIVE with v1 {a: string} and v2 {a, b: optional}
        Schema v1 = record("{\"name\":\"a\",\"type\":\"string\"}");
        Schema v2 = record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":[\"null\",\"int\"],\"default\":null}");
        Schema withoutA = record("{\"name\":\"b\",\"type\":[\"null\",\"int\"],\"default\":null}");
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        registry.setCompatibility("s-value", CompatibilityLevel.FULL_TRANSITIVE);
        registry.register("s-value", v1);
        registry.register("s-value", v2);

        // Then a version without the required field a is refused: v1 readers need it (BACKWARD alone would take it)
        assertThat(registry.compatibility("s-value")).contains(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(registry.isCompatible("s-value", withoutA)).isFalse();
        assertThatThrownBy(() -> registry.register("s-value", withoutA))
                .isInstanceOf(SchemaRegistryException.Incompatible.class)
                .hasMessageContaining("subject 's-value' (FULL_TRANSITIVE)");
        assertThat(registry.compatibility("other-value")).isEmpty();
        registry.register("other-value", v1);
        registry.register("other-value", v2);
        assertThat(registry.isCompatible("other-value", withoutA)).isTrue();
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"S\",\"fields\":[" + fields + "]}");
    }
}
