package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ./payback estimate} as a user runs it: the launcher script, a separate JVM, exit codes and output streams. */
class EstimateLauncherIT {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private record Result(int exitCode, String out, String err) {
    }

    private static Result payback(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("payback").toString()));
        command.addAll(List.of(args));
        File out = File.createTempFile("payback-out", ".txt");
        File err = File.createTempFile("payback-err", ".txt");
        Process process = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(out).redirectError(err).start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("./payback finished").isTrue();
        return new Result(process.exitValue(), java.nio.file.Files.readString(out.toPath(), StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err.toPath(), StandardCharsets.UTF_8));
    }

    @Test
    void theSeedsArithmeticThroughTheLauncher() throws Exception {
        // 100 GPU-h x 400 W / 1000 x 1.1 = 44 kWh; saving 1.2 x 2.0 / 0.8 - 1.2 x 0.5 / 0.9 = 2.333333 Wh per task;
        // 44,000 / 2.333333 = 18,857.14 tasks = 18.857 days at 1,000 a day
        Result result = payback("estimate", "--gpu-hours", "100", "--gpu-power-w", "400", "--training-pue", "1.1",
                "--training-grid-g-per-kwh", "342", "--baseline-wh-per-request", "2.0", "--baseline-success-rate", "0.8",
                "--candidate-wh-per-request", "0.5", "--candidate-success-rate", "0.9", "--inference-pue", "1.2",
                "--inference-grid-g-per-kwh", "21", "--successful-tasks-per-day", "1000", "--horizon-days", "90", "--json");
        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.get("training_kwh").asDouble()).isCloseTo(44.0, within(1e-9));
        assertThat(json.get("break_even_days").asDouble()).isCloseTo(18.857143, within(1e-6));
        assertThat(json.get("pays_back_within_horizon").asBoolean()).isTrue();
    }

    @Test
    void badInputExitsWithTwoOnStderrWithoutAStackTrace() throws Exception {
        Result result = payback("estimate", "--gpu-hours", "10", "--gpu-power-w", "300", "--training-region", "x",
                "--baseline-wh-per-request", "1", "--candidate-wh-per-request", "1", "--candidate-success-rate", "0",
                "--inference-region", "x", "--successful-tasks-per-day", "1", "--horizon-days", "1");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--candidate-success-rate must be in (0, 1], got 0").doesNotContain("\tat ");
        assertThat(result.out()).isEmpty();
    }
}
