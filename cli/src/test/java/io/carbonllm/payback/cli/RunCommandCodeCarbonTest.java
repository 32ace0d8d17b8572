package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.sdk.codecarbon.CodeCarbonFixtures;
import io.carbonllm.payback.sdk.codecarbon.CodeCarbonRun;
import io.carbonllm.payback.sdk.codecarbon.CodeCarbonRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./payback run --from-codecarbon} in-process. Refused commands point at a port nothing listens on, so a check
 * that let them through would fail on Kafka with exit code 1, not 2; accepted ones use --dry-run. The file is read by
 * the SDK's {@code CodeCarbonRuns} (tested there, with the same fixtures); here, what the CLI adds: the flags, the
 * shipped tables' grid check and PUE, and its output.
 */
class RunCommandCodeCarbonTest {

    @TempDir
    Path dir;

    private Path file(String fixture) throws IOException {
        Path path = dir.resolve("emissions.csv");
        Files.writeString(path, CodeCarbonFixtures.text(fixture));
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

    @Test
    void eachRunIsPrintedWithItsEnergyScopeThePueOurTablesApplyAndItsLocation() throws IOException {
        Path path = file("cloud-v3.csv");
        CliRun run = run("--from-codecarbon", path.toString(), "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        // Line 2: aws eu-north-1 with CodeCarbon's pue 1.2 (facility energy); the shipped grid table has eu-north-1.
        assertThat(run.out()).contains("run ft-1: CodeCarbon run 0b6f3c1e-5a1d-4c47-9d0e-3f1a2b4c5d6e (" + path
                + " line 2): facility energy: CodeCarbon already multiplied in its pue 1.2; cloud region eu-north-1 "
                + "(cloud_provider aws): the grid table has a row for it");
        // Line 3: gcp, our google, pue 1.0: IT energy, so our PUE applies: google's 1.09 by provider.
        assertThat(run.out()).contains("run ft-2: CodeCarbon run 9c2d7e4f-1b3a-4e5c-8f6d-7a8b9c0d1e2f (" + path
                + " line 3): IT energy (CodeCarbon pue 1.0): our PUE applies, 1.09 by provider google; cloud region "
                + "europe-west4 (cloud_provider gcp, our provider google): the grid table has a row for it");
        // Line 4: azure eastus, which the shipped grid table lacks.
        assertThat(run.out()).contains("cloud region eastus (cloud_provider azure): no grid row for eastus in the "
                + "shipped table, the world default applies (unless the streams app's grid file adds one)");
    }

    @Test
    void aPrivateMachinesItEnergyGetsTheTablesPueForItsCountryAtItsStart() {
        List<CodeCarbonRun> runs = CodeCarbonRuns.parse("emissions.csv", CodeCarbonFixtures.text("private-infra-v2.csv"),
                null);

        // CAN, no provider: no provider or region row, so the default PUE, 1.58.
        assertThat(RunCommand.energyNote(runs.get(0), FactorTable.defaults()))
                .startsWith("IT energy (CodeCarbon pue 1.0): our PUE applies, 1.58 by default");
    }
}
