package io.carbonllm.payback.sdk.codecarbon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.facility.FactorTable;
import io.carbonllm.payback.methodology.footprint.MeteredScope;
import io.carbonllm.payback.methodology.footprint.RunKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CodeCarbon's emissions.csv read as metered runs, from the real-format fixtures ({@link CodeCarbonFixtures}). The
 * grid check is the shipped table's, as the CLI passes it.
 */
class CodeCarbonRunsTest {

    private static final FactorTable FACTORS = FactorTable.defaults();
    private static final BiPredicate<String, Instant> SHIPPED_GRID =
            (region, at) -> !FACTORS.grid(region, at).worldDefault();

    @TempDir
    Path dir;

    static String fixture(String name) {
        return CodeCarbonFixtures.text(name);
    }

    private static List<CodeCarbonRun> parse(String text) {
        return CodeCarbonRuns.parse("emissions.csv", text, SHIPPED_GRID);
    }

    @Test
    void aRunIsItsLastRowNotTheSumOfItsCumulativeRows() {
        List<CodeCarbonRun> runs = parse(fixture("private-infra-v2.csv"));

        // Lines 2 and 3 are two flushes of run 7762adb3 (cumulative: 0.1324 then 0.2344 kWh), line 4 another run.
        assertThat(runs).extracting(CodeCarbonRun::codeCarbonRunId)
                .containsExactly("7762adb3-c07c-44c7-b5bd-df2ce2df5172", "5b90c575-1845-423f-a9c5-4c75eee21fbd");
        CodeCarbonRun first = runs.get(0);
        assertThat(first.lines()).isEqualTo("2-3");
        assertThat(first.position()).isEqualTo(1);
        assertThat(first.file()).isEqualTo("emissions.csv");
        // The last row's total, 0.234404707276623 kWh, not 0.132405384 + 0.234404707276623 = 0.366810091.
        assertThat(first.kwh()).isEqualTo(0.234404707276623);
        assertThat(runs.get(1).position()).isEqualTo(2);
        assertThat(runs.get(1).lines()).isEqualTo("4");
        assertThat(runs.get(1).runId("ft")).isEqualTo("ft-2");
    }

    @Test
    void aPrivateMachineRunWithPueOneIsItEnergyLocatedByItsCountry() {
        CodeCarbonRun run = parse(fixture("private-infra-v2.csv")).get(0);

        TrainingRun record = run.toTrainingRun("ft-1", RunKind.FINE_TUNE, "qwen-ft", 1.0, null);

        // pue 1.0: CodeCarbon multiplied nothing in, so IT energy, and our PUE applies (no PUE on the record).
        assertThat(record.getMeteredScope()).isEqualTo(MeteredScope.IT.name());
        assertThat(record.getPue()).isNull();
        assertThat(record.getMeteredKwh()).isEqualTo(0.234404707276623);
        // hours = 1592.608108907007 s / 3600 = 0.442391141363057 h; gpu_count 1.
        assertThat(record.getHours()).isCloseTo(0.442391141363057, within(1e-12));
        assertThat(record.getGpuCount()).isEqualTo(1);
        // No cloud region: the country (CAN), which the shipped grid table has no row for.
        assertThat(record.getProvider()).isNull();
        assertThat(record.getRegion()).isEqualTo("CAN");
        assertThat(run.location()).startsWith("country CAN").contains("world default applies");
        // Started = written at 10:55:48 minus 1592.608108907 s = 10:29:15.391891093 (UTC: no offset in the file).
        // The project name's own stamp, 20251011-102915, agrees. The record keeps milliseconds (timestamp-millis).
        assertThat(run.startedAt()).isEqualTo(Instant.parse("2025-10-11T10:29:15.391891093Z"));
        assertThat(record.getStartedAt()).isEqualTo(Instant.parse("2025-10-11T10:29:15.391Z"));
        assertThat(run.energyNote()).isEqualTo("IT energy (CodeCarbon pue 1.0): our PUE applies");
    }

    @Test
    void aCloudRunWherePueWasAppliedIsFacilityEnergyLocatedByItsCloudRegion() {
        List<CodeCarbonRun> runs = parse(fixture("cloud-v3.csv"));
        assertThat(runs).hasSize(3);

        // Line 2: aws eu-north-1, pue 1.2, 33.6 kWh = 1.2 + 26.4 + 6.0 (each already x 1.2): facility, used as is.
        TrainingRun aws = runs.get(0).toTrainingRun("ft-1", RunKind.FINE_TUNE, null, 1.0, null);
        assertThat(aws.getMeteredScope()).isEqualTo(MeteredScope.FACILITY.name());
        assertThat(aws.getMeteredKwh()).isEqualTo(33.6);
        assertThat(aws.getGpuCount()).isEqualTo(8);
        assertThat(aws.getHours()).isEqualTo(3.5); // 12600 s / 3600
        assertThat(aws.getProvider()).isEqualTo("aws");
        assertThat(aws.getRegion()).isEqualTo("eu-north-1");
        assertThat(runs.get(0).location()).startsWith("cloud region eu-north-1").contains("has a row");
        assertThat(runs.get(0).energyNote()).isEqualTo("facility energy: CodeCarbon already multiplied in its pue 1.2");

        // Line 3: gcp europe-west4, pue 1.0: IT energy; CodeCarbon's gcp is our google.
        CodeCarbonRun gcp = runs.get(1);
        assertThat(gcp.scope()).isEqualTo(MeteredScope.IT);
        assertThat(gcp.provider()).isEqualTo("google");
        assertThat(gcp.region()).isEqualTo("europe-west4");
        assertThat(gcp.gpuCount()).isEqualTo(4);
        assertThat(gcp.hours()).isEqualTo(1.5); // 5400 s / 3600
        assertThat(gcp.location()).contains("cloud_provider gcp, our provider google");

        // Line 4: azure eastus, which our grid table lacks: the cloud region is still the one used, flagged.
        assertThat(runs.get(2).region()).isEqualTo("eastus");
        assertThat(runs.get(2).location()).contains("no grid row for eastus").contains("world default");
    }

    @Test
    void theGridCheckIsAskedAboutEachRunsRegionAtItsStart() {
        List<String> asked = new ArrayList<>();
        CodeCarbonRuns.parse("emissions.csv", fixture("cloud-v3.csv"), (region, at) -> {
            asked.add(region + "@" + at);
            return true;
        });

        // Line 2 was written at 2026-03-02T11:30:00 after 12600 s (3.5 h): it started at 08:00:00.
        assertThat(asked).containsExactly("eu-north-1@2026-03-02T08:00:00Z",
                "europe-west4@2026-03-03T07:30:00Z", // 09:00:00 - 5400 s
                "eastus@2026-03-04T16:15:30Z"); // 16:45:30 - 1800 s
    }

    @Test
    void readingAFileWithoutAGridCheckLeavesTheGridOutOfTheNote() throws IOException {
        Path file = dir.resolve("emissions.csv");
        Files.writeString(file, fixture("cloud-v3.csv"));

        List<CodeCarbonRun> runs = CodeCarbonRuns.read(file);

        assertThat(runs.get(0).file()).isEqualTo(file.toString());
        assertThat(runs.get(2).location()).isEqualTo("cloud region eastus (cloud_provider azure)");
    }

    @Test
    void aRowWithNoLocationUsesTheWorldDefaultWhateverTheCheck() {
        String text = "timestamp,run_id,duration,energy_consumed\n2025-10-11T10:00:00,r,10,0.1\n";
        assertThat(CodeCarbonRuns.parse("f", text, null).get(0).location())
                .isEqualTo("no cloud region or country in the row: the world default grid applies");
    }

    @Test
    void anEmptyFileIsRefused() {
        assertThatThrownBy(() -> parse("")).hasMessageContaining("emissions.csv is empty");
        assertThatThrownBy(() -> parse("\n\n")).hasMessageContaining("emissions.csv is empty");
    }

    @Test
    void aHeaderWithoutRowsIsRefused() {
        assertThatThrownBy(() -> parse("timestamp,run_id,duration,energy_consumed\n"))
                .hasMessageContaining("has a header (line 1) but no rows");
    }

    @Test
    void aMissingColumnIsNamed() {
        assertThatThrownBy(() -> parse("timestamp,run_id,duration,emissions\n2025-10-11T10:00:00,r,10,0.1\n"))
                .hasMessageContaining("line 1: no column 'energy_consumed'");
    }

    @Test
    void aNonNumericValueNamesTheLineAndColumn() {
        String text = "timestamp,run_id,duration,energy_consumed,pue\n"
                + "2025-10-11T10:00:00,r,10,0.1,1.0\n"
                + "2025-10-11T10:00:10,r,20,abc,1.0\n";
        assertThatThrownBy(() -> parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("emissions.csv line 3, column 4 (energy_consumed): expected energy in kWh >= 0, got 'abc'");
    }

    @Test
    void aPueBelowOneIsRefused() {
        String text = "timestamp,run_id,duration,energy_consumed,pue\n2025-10-11T10:00:00,r,10,0.1,0.9\n";
        assertThatThrownBy(() -> parse(text)).hasMessageContaining("line 2, column 5 (pue): expected a PUE >= 1");
    }

    @Test
    void aBadTimestampNamesTheLineAndColumn() {
        String text = "timestamp,run_id,duration,energy_consumed\n11/10/2025 10:00,r,10,0.1\n";
        assertThatThrownBy(() -> parse(text)).hasMessageContaining("line 2, column 1 (timestamp)");
    }

    @Test
    void aRowWithFewerFieldsIsRefusedAsPartial() {
        String full = fixture("cloud-v3.csv");
        // A file cut while its last row (line 4) was written: on_cloud, pue and wue are missing.
        String truncated = full.substring(0, full.lastIndexOf(",Y,1.0,0.0"));
        assertThatThrownBy(() -> parse(truncated))
                .hasMessageContaining("emissions.csv line 4: 35 fields, but the header has 38 columns");
    }

    @Test
    void aMalformedFileReadFromDiskNamesItsPathLineAndColumn() throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "timestamp,run_id,duration,energy_consumed\n2025-10-11T10:00:00,r,ten,0.1\n");

        assertThatThrownBy(() -> CodeCarbonRuns.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + " line 2, column 3 (duration): expected a duration in seconds >= 0, got 'ten'");
    }

    @Test
    void anUnclosedQuoteNamesTheLineAndColumn() {
        String text = "timestamp,run_id,duration,energy_consumed,cpu_model\n2025-10-11T10:00:00,r,10,0.1,\"AMD, EPYC\n";
        assertThatThrownBy(() -> parse(text)).hasMessageContaining("line 2, column 5: the quote at character");
    }

    @Test
    void quotedFieldsKeepTheirCommasAndQuotes() {
        assertThat(CodeCarbonRuns.fields("f", 1, "a,\"Intel(R), \"\"SPR\"\"\",,c"))
                .containsExactly("a", "Intel(R), \"SPR\"", "", "c");
    }
}
