package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from a keystore (and forwarding over it, trusting the configured trust store), and CORS when configured. */
class ApiServerTlsAndCorsTest {

    private static final String PASSWORD = "changeit-0123";

    @TempDir
    static Path dir;
    private static Path keystore;
    private static Path truststore;

    @BeforeAll
    static void makeKeystores() throws Exception {
        keystore = dir.resolve("api.p12");
        truststore = dir.resolve("trust.p12");
        keystores(keystore, truststore);
    }

    private static Map<String, Object> config(Map<String, Object> overrides) {
        return ApiServerTest.config(dir, overrides);
    }

    /** A self-signed certificate for 127.0.0.1, made with the JDK's keytool, and a trust store holding it. */
    private static void keystores(Path keystore, Path truststore) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path cert = dir.resolve("api.crt");
        run(keytool, "-genkeypair", "-alias", "api", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=payback-api-test", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        run(keytool, "-exportcert", "-alias", "api", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", cert.toString());
        run(keytool, "-importcert", "-noprompt", "-alias", "api", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", PASSWORD);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
    }

    private static SSLContext trusting(Path truststore) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(truststore)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void withAKeystoreTheApiServesHttpsOnlyAndForwardsOverIt() throws Exception {
        ApiServer server = new ApiServer(new PaybackStreamsConfig(config(Map.of(
                "payback.api.tls.keystore.location", keystore.toString(), "payback.api.tls.keystore.password", PASSWORD,
                "payback.api.tls.truststore.location", truststore.toString(),
                "payback.api.tls.truststore.password", PASSWORD))), new InMemorySchemaRegistryClient(), () -> null, null).start();
        try {
            assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(truststore)).build();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");

            // Plain HTTP on the same port gets no API answer
            String plain = server.baseUrl().replace("https://", "http://");
            int plainStatus;
            try {
                plainStatus = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(plain + "/api/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (IOException e) {
                plainStatus = -1;
            }
            assertThat(plainStatus).isNotEqualTo(200);

            // An instance forwarding to this one trusts it through the configured trust store, by IP
            Forwarder forwarder = new Forwarder(true, trusting(truststore), "127.0.0.1:1", Duration.ofSeconds(5));
            Forwarder.Answer answer = forwarder.get(new HostInfo("127.0.0.1", server.port()), "/api/ready", null);
            assertThat(answer.status()).as(new String(answer.body())).isEqualTo(503);
            assertThat(answer.retryAfter()).isEqualTo("5");
        } finally {
            server.close();
        }
    }

    @Test
    void aBadKeystorePasswordFailsAtStartNamingTheKey() throws Exception {
        ApiServer server = new ApiServer(new PaybackStreamsConfig(config(Map.of(
                "payback.api.tls.keystore.location", keystore.toString(),
                "payback.api.tls.keystore.password", "wrong-password"))), new InMemorySchemaRegistryClient(), () -> null, null);
        try {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("payback.api.tls.keystore.location");
        } finally {
            server.close();
        }
    }

    @Test
    void corsAnswersTheConfiguredOriginsOnly() throws Exception {
        ApiServer server = new ApiServer(new PaybackStreamsConfig(config(Map.of("payback.api.cors.allowed.origins",
                "https://ops.example.com"))), new InMemorySchemaRegistryClient(), () -> null, null).start();
        try {
            ApiClient client = new ApiClient(server.baseUrl());
            List<String> allowed = new ArrayList<>();
            for (String origin : List.of("https://ops.example.com", "https://evil.example.com")) {
                String header = client.get("/api/health", "Origin", origin).header("Access-Control-Allow-Origin");
                if (header != null) {
                    allowed.add(header);
                }
            }
            assertThat(allowed).containsExactly("https://ops.example.com");
        } finally {
            server.close();
        }
    }
}
