package io.carbonllm.payback.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's ports: anything on Quarkus's default management port does not stop it, and a port it cannot bind is named. */
class RegistryPortsIT {

    /** Quarkus's default management port, also used by MinIO, SonarQube and php-fpm. */
    private static final int QUARKUS_MANAGEMENT_DEFAULT = 9000;

    @TempDir
    Path workDir;

    @Test
    void aProgramOnPort9000DoesNotStopTheRegistry() throws Exception {
        // Given another program listening on 127.0.0.1:9000
        try (ServerSocket other = new ServerSocket()) {
            try {
                other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), QUARKUS_MANAGEMENT_DEFAULT));
            } catch (IOException e) {
                assumeTrue(false, "127.0.0.1:9000 is already taken by something else: " + e.getMessage());
            }

            // When a registry starts, then it comes up and answers
            try (ApicurioRegistry registry = ApicurioRegistry.inMemory(Ports.findFree(), workDir).start()) {
                HttpResponse<String> response = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(registry.confluentApiUrl() + "/subjects")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("[]");
            }
            // And the other program still holds its port
            assertThat(other.isBound()).isTrue();
            assertThat(Ports.isFree(QUARKUS_MANAGEMENT_DEFAULT)).isFalse();
        }
    }

    @Test
    void aRegistryThatCannotBindItsManagementPortNamesThePortAndTheCauseInOneLine() throws Exception {
        // Given the port the registry's management interface will be given, taken by another program
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int taken = other.getLocalPort();

            // When the registry starts, then it fails, and the first line says which port and why, before the log tail
            assertThatThrownBy(() -> ApicurioRegistry.inMemory(Ports.findFree(), workDir, taken).start())
                    .isInstanceOf(LocalStackException.class)
                    .satisfies(e -> assertThat(e.getMessage().lines().findFirst().orElseThrow())
                            .contains("Apicurio Registry exited with code")
                            .contains("its management port " + taken + " on 127.0.0.1")
                            .contains("Address already in use")
                            .contains("Last lines of"));
        }
    }
}
