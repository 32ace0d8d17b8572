package io.carbonllm.payback.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the client classifies a registry's refusals. A loopback endpoint that answers one fixed status stands in for a
 * registry behind an authenticating or rate-limiting proxy, which the real registry in the ITs cannot be made to do.
 */
class RegistryErrorStatusTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private String answering(int status) throws IOException {
        return answering(status, "{\"error_code\":" + status + ",\"message\":\"status " + status + "\"}");
    }

    private String answering(int status, String text) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
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
    void refusedCredentialsFailAtOnceNamingTheUrlAndTheFix() throws IOException {
        String url = answering(401);
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url)) {
            assertThatThrownBy(() -> client.schemaById(7))
                    .isInstanceOf(SchemaRegistryException.Unauthorized.class)
                    .hasMessageContaining(url).hasMessageContaining("HTTP 401").hasMessageContaining("basic.auth.user.info")
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).isRecordsFault()).isFalse());
        }
        // no retry: a refusal does not go away by asking again
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void throttlingIsRetriedThenReportedAsUnavailableNotAsTheRecordsFault() throws IOException {
        String url = answering(429);
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url)) {
            assertThatThrownBy(() -> client.schemaById(7))
                    .isInstanceOf(SchemaRegistryException.Unavailable.class)
                    .hasMessageContaining("HTTP 429 (throttled)")
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).isRecordsFault()).isFalse());
        }
        assertThat(requests.get()).isEqualTo(HttpSchemaRegistryClient.ATTEMPTS);
    }

    @Test
    void anUnknownSchemaIdIsTheRecordsFault() throws IOException {
        // Confluent, Apicurio (ccompat), Karapace and Redpanda all answer 40403 for a schema id they do not have
        answering(404, "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient("http://127.0.0.1:" + server.getAddress().getPort())) {
            assertThatThrownBy(() -> client.schemaById(7))
                    .isInstanceOf(SchemaRegistryException.NotFound.class)
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).isRecordsFault()).isTrue());
        }
    }

    @Test
    void aNotFoundThatIsNotAboutTheSchemaIdIsTheRegistrysFaultNotTheRecords() throws IOException {
        // A wrong registry URL (a path the server does not have, behind a proxy): 404, but no 40403
        String url = answering(404, "<html><body>Not Found</body></html>");
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url)) {
            assertThatThrownBy(() -> client.schemaById(7))
                    .isInstanceOf(SchemaRegistryException.NotFound.class)
                    .hasMessageContaining(url).hasMessageContaining("HTTP 404")
                    .satisfies(e -> assertThat(((SchemaRegistryException) e).isRecordsFault()).isFalse());
        }
    }
}
