package io.carbonllm.payback.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registry auth as Confluent's clients name it: a bearer token on the wire, and key stores for mutual TLS. */
class RegistryAuthTest {

    @TempDir
    Path dir;

    @Test
    void aBearerTokenIsSentAsTheAuthorizationHeader() throws Exception {
        AtomicReference<String> authorization = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"schema\":\"\\\"string\\\"\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryClientConfig.fromProperties(Map.of(
                "schema.registry.url", "http://127.0.0.1:" + server.getAddress().getPort(),
                "bearer.auth.credentials.source", "STATIC_TOKEN",
                "bearer.auth.token", "tok-123")))) {
            client.schemaById(1);
        } finally {
            server.stop(0);
        }
        assertThat(authorization.get()).isEqualTo("Bearer tok-123");
    }

    @Test
    void basicAuthAndABearerTokenTogetherAreRefusedNamingBothKeys() {
        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "http://r:8081",
                "basic.auth.user.info", "u:p", "bearer.auth.token", "t")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("basic.auth.user.info").hasMessageContaining("bearer.auth.token");
    }

    @Test
    void aClientKeystoreForMutualTlsIsLoadedAndAMissingOneIsNamed() throws Exception {
        // Given an (empty) PKCS12 keystore: loading it builds a TLS context with its key managers
        Path keystore = dir.resolve("client.p12");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (OutputStream out = Files.newOutputStream(keystore)) {
            store.store(out, "changeit".toCharArray());
        }
        RegistryClientConfig config = RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "https://r:8081",
                "schema.registry.ssl.keystore.location", keystore.toString(),
                "schema.registry.ssl.keystore.password", "changeit", "schema.registry.ssl.keystore.type", "PKCS12"));
        assertThat(config.sslContext()).isNotNull();

        assertThatThrownBy(() -> RegistryClientConfig.fromProperties(Map.of("schema.registry.url", "https://r:8081",
                "schema.registry.ssl.keystore.location", dir.resolve("missing.p12").toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.ssl.keystore.location").hasMessageContaining("missing.p12");
    }
}
