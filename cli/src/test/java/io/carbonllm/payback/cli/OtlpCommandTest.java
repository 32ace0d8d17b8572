package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@code ./payback otlp --api-config}: the receiver follows the streams app's API auth, a span export being a write. */
class OtlpCommandTest {

    private static final String BASE = """
            bootstrap.servers=broker:9092
            schema.registry.url=http://registry:8081
            """;

    @TempDir
    Path dir;

    private OtlpCommand parsed(String... args) {
        OtlpCommand command = new OtlpCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    private String file(String auth) throws Exception {
        Path file = dir.resolve("streams.properties");
        Files.writeString(file, BASE + auth);
        return file.toString();
    }

    @Test
    void withWritesGuardedTheReceiverWantsTheApisWriteToken() throws Exception {
        String config = file("""
                payback.api.auth.mode=writes
                payback.api.auth.write.token=write-token-0123456789
                """);
        assertThat(parsed("--api-config", config).token()).isEqualTo("write-token-0123456789");
    }

    @Test
    void withOneTokenForEverythingItIsThatToken() throws Exception {
        String config = file("""
                payback.api.auth.mode=all
                payback.api.auth.token=shared-token-0123456789
                """);
        assertThat(parsed("--api-config", config).token()).isEqualTo("shared-token-0123456789");
    }

    @Test
    void withAuthOffNoTokenIsAsked() throws Exception {
        assertThat(parsed("--api-config", file("")).token()).isNull();
        assertThat(parsed().token()).isNull();
    }

    @Test
    void aBadAuthConfigIsRefusedNamingTheFileAndTheKey() throws Exception {
        String config = file("payback.api.auth.mode=sometimes\n");
        assertThatThrownBy(() -> parsed("--api-config", config).token()).isInstanceOf(ParameterException.class)
                .hasMessageContaining("--api-config " + config).hasMessageContaining("payback.api.auth.mode");
    }

    @Test
    void tokenEnvAndApiConfigTogetherAreRefused() throws Exception {
        String config = file("");
        assertThatThrownBy(() -> parsed("--api-config", config, "--token-env", "HOME").token())
                .isInstanceOf(ParameterException.class).hasMessage("give --token-env or --api-config, not both");
    }
}
