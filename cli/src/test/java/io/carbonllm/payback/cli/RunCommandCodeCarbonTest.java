package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./payback run --from-codecarbon} in-process. Refused commands point at a port nothing listens on, so a check
 * that let them through would fail on Kafka with exit code 1, not 2; accepted ones use --dry-run.
 */
class RunCommandCodeCarbonTest {

    @TempDir
    Path dir;

    private Path file(String fixture) throws IOException {
        Path path = dir.resolve("emissions.csv");
        Files.writeString(path, CodeCarbonRunsTest.fixture(fixture));
        return path;
    }

    private static CliRun run(String... more) {
        String[] base = {"run", "--bootstrap-servers", "127.0.0.1:1", "--id", "ft"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.of(args);
    }

    @Test
    void everyCodeCarbonRunIsPublishedAsIdDashPosition() throws IOException {
        CliRun run = run("--from-codecarbon", file("cloud-v3.csv").toString(), "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("would publish run ft-1 ", "would publish run ft-2 ", "would publish run ft-3 ")
                .contains("\"meteredScope\": \"FACILITY\"").contains("\"meteredScope\": \"IT\"")
                .contains("cloud region europe-west4");
    }

    @Test
    void aChosenCodeCarbonRunIsPublishedUnderTheIdItself() throws IOException {
        CliRun run = run("--from-codecarbon", file("cloud-v3.csv").toString(), "--dry-run",
                "--codecarbon-run-id", "9c2d7e4f-1b3a-4e5c-8f6d-7a8b9c0d1e2f");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("would publish run ft to").doesNotContain("ft-1").contains("\"gpuCount\": 4");
    }

    @Test
    void anUnknownCodeCarbonRunIdIsRefusedWithTheFilesIds() throws IOException {
        CliRun run = run("--from-codecarbon", file("private-infra-v2.csv").toString(), "--codecarbon-run-id", "nope");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--codecarbon-run-id nope is not in")
                .contains("7762adb3-c07c-44c7-b5bd-df2ce2df5172, 5b90c575-1845-423f-a9c5-4c75eee21fbd");
    }

    @Test
    void flagsTheFileReplacesAreRefusedByName() throws IOException {
        CliRun run = run("--from-codecarbon", file("cloud-v3.csv").toString(), "--metered-kwh", "3", "--region",
                "eu-north-1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("drop --metered-kwh, --region (it replaces");
    }

    @Test
    void aCodeCarbonRunIdWithoutTheFileIsRefused() {
        CliRun run = run("--metered-kwh", "3", "--codecarbon-run-id", "x");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--codecarbon-run-id needs --from-codecarbon");
    }

    @Test
    void aMalformedFileIsRefusedNamingLineAndColumn() throws IOException {
        Path path = dir.resolve("bad.csv");
        Files.writeString(path, "timestamp,run_id,duration,energy_consumed\n2025-10-11T10:00:00,r,ten,0.1\n");
        CliRun run = run("--from-codecarbon", path.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("bad.csv line 2, column 3 (duration)");
    }
}
