package io.carbonllm.payback.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JavaRuntimesTest {

    @Test
    void parsesFeatureVersionsOfEveryNamingScheme() {
        assertThat(JavaRuntimes.parseFeature("25.0.1")).contains(25);
        assertThat(JavaRuntimes.parseFeature("17")).contains(17);
        assertThat(JavaRuntimes.parseFeature("21-ea")).contains(21);
        assertThat(JavaRuntimes.parseFeature("1.8.0_392")).contains(8);
        assertThat(JavaRuntimes.parseFeature("banana")).isEmpty();
    }

    @Test
    void findsTheRunningJvmWhenItIsNewEnough() {
        int running = Runtime.version().feature();
        Optional<JavaRuntimes.Runtime> found = JavaRuntimes.find(running);
        assertThat(found).isPresent();
        assertThat(found.get().feature()).isGreaterThanOrEqualTo(running);
        assertThat(found.get().javaExecutable()).isExecutable();
    }

    @Test
    void aVersionNoRuntimeHasIsNotFound() {
        assertThat(JavaRuntimes.find(10_000)).isEmpty();
    }

    @Test
    void aDirectoryWithoutAReleaseFileIsNotARuntime() {
        assertThat(JavaRuntimes.inspect(Path.of("/nonexistent-java-home"))).isEmpty();
    }
}
