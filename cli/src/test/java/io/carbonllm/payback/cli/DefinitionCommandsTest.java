package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad definitions are refused before anything is published: exit code 2 and a message naming the flag. */
class DefinitionCommandsTest {

    private static String[] run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = PaybackCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        assertThat(code).as(err.toString()).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    private static final String[] BASE = {"comparison", "put", "--bootstrap-servers", "127.0.0.1:1", "--id", "c",
        "--use-case", "u", "--baseline", "big", "--candidate", "ft=small"};

    private static String[] with(String... more) {
        String[] args = new String[BASE.length + more.length];
        System.arraycopy(BASE, 0, args, 0, BASE.length);
        System.arraycopy(more, 0, args, BASE.length, more.length);
        return args;
    }

    @Test
    void aComparisonNamingAnUndeclaredCandidateIsRefused() {
        assertThat(run(2, with("--candidate-runs", "rag=r1"))[1])
                .contains("--candidate-runs names candidate 'rag', which no --candidate declares");
    }

    @Test
    void anUnknownCandidateKindIsRefusedWithTheAllowedValues() {
        assertThat(run(2, with("--candidate-kind", "ft=MAGIC"))[1]).contains("--candidate-kind ft=MAGIC").contains("FINE_TUNE");
    }

    @Test
    void aSuccessRateBarOutsideZeroToOneIsRefused() {
        assertThat(run(2, with("--min-success-rate", "1.5"))[1]).contains("--min-success-rate must be in [0, 1], got 1.5");
    }

    @Test
    void conflictingHorizonsAreRefused() {
        assertThat(run(2, with("--horizon-end", "2027-01-01", "--horizon-days", "30"))[1])
                .contains("--horizon-end and --horizon-days conflict");
    }

    @Test
    void aRunNeedsEitherGpuInputsOrMeteredEnergy() {
        assertThat(run(2, "run", "--id", "r", "--gpus", "8")[1]).contains("give --gpus, --hours and --power-w, or --metered-kwh");
        assertThat(run(2, "run", "--id", "r", "--metered-kwh", "5", "--kind", "TRAINING")[1])
                .contains("--kind must be one of").contains("TRAINING");
        assertThat(run(2, "run", "--id", "r", "--metered-kwh", "5", "--pue", "0.8")[1]).contains("--pue must be >= 1, got 0.8");
    }
}
