package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./payback run --boamps-dir}: one BoAmps report per run (the report itself: BoAmpsReportTest). */
class RunBoAmpsTest {

    @Test
    void theRunCommandWritesOneReportPerRun(@TempDir Path dir) throws Exception {
        CommandLine cli = new CommandLine(new PaybackCli());
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("run", "--bootstrap-servers", "127.0.0.1:1", "--id", "ft/1", "--metered-kwh", "5",
                "--provider", "aws", "--dry-run", "--boamps-dir", dir.toString());
        assertThat(exit).as(out.toString()).isZero();
        Path file = dir.resolve("ft_1.boamps.json");
        assertThat(out.toString()).contains("BoAmps report written to " + file);
        assertThat(new ObjectMapper().readTree(Files.readString(file))
                .at("/measures/0/powerConsumption").asDouble()).isEqualTo(5.0);
    }
}
