package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./payback disclose}'s bad input, refused before it reads anything (the report itself: DisclosureTest). */
class DiscloseCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = new CommandLine(new PaybackCli());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aReversedPeriodIsRefusedNamingBothDays() {
        Run run = run("disclose", "--bootstrap-servers", "127.0.0.1:9", "--from", "2026-09-30", "--to", "2026-07-01");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("the period is reversed: --from 2026-09-30 is after --to 2026-07-01");
    }

    @Test
    void aDayThatIsNotADateIsRefusedNamingTheOption() {
        Run run = run("disclose", "--bootstrap-servers", "127.0.0.1:9", "--from", "July", "--to", "2026-07-31");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--from must be a date, YYYY-MM-DD; got July");
    }

    @Test
    void anUnknownFormatIsRefusedNamingTheAllowedOnes() {
        Run run = run("disclose", "--bootstrap-servers", "127.0.0.1:9", "--from", "2026-07-01", "--to", "2026-07-31",
                "--format", "pdf");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("format must be one of json, csv, html, boamps; got pdf");
    }

    @Test
    void thePeriodIsRequired() {
        Run run = run("disclose", "--bootstrap-servers", "127.0.0.1:9", "--to", "2026-07-31");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--from=YYYY-MM-DD'");
    }
}
