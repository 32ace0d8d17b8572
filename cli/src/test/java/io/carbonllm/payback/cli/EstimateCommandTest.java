package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code estimate} command. The seed's arithmetic:
 * training 100 GPU-h x 400 W / 1000 x PUE 1.1 = 44 kWh, on 342 g/kWh = 15.048 kg;
 * baseline 1.2 x 2.0 Wh / 0.8 = 3.0 Wh per successful task; candidate 1.2 x 0.5 / 0.9 = 0.666667; saving 2.333333 Wh.
 */
class EstimateCommandTest {

    private static final String[] SEED = {"estimate",
        "--gpu-hours", "100", "--gpu-power-w", "400", "--training-pue", "1.1", "--training-grid-g-per-kwh", "342",
        "--baseline-wh-per-request", "2.0", "--baseline-success-rate", "0.8",
        "--candidate-wh-per-request", "0.5", "--candidate-success-rate", "0.9",
        "--inference-pue", "1.2", "--inference-grid-g-per-kwh", "21",
        "--successful-tasks-per-day", "1000", "--horizon-days", "90"};

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(base));
        all.addAll(Arrays.asList(more));
        return all.toArray(String[]::new);
    }

    private static String[] replacing(String flag, String value) {
        String[] args = SEED.clone();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(flag)) {
                args[i + 1] = value;
            }
        }
        return args;
    }

    @Test
    void reproducesTheSeedsArithmeticAsJson() throws Exception {
        CliRun run = run(with(SEED, "--json"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("training_kwh").asDouble()).isCloseTo(44.0, within(1e-9));
        assertThat(json.get("training_kg_co2e").asDouble()).isCloseTo(15.048, within(1e-9));
        assertThat(json.get("training_tier").asText()).isEqualTo("ESTIMATED");
        assertThat(json.get("baseline_wh_per_successful_task").asDouble()).isCloseTo(3.0, within(1e-9));
        assertThat(json.get("candidate_wh_per_successful_task").asDouble()).isCloseTo(0.6666667, within(1e-6));
        assertThat(json.get("saving_wh_per_successful_task").asDouble()).isCloseTo(2.3333333, within(1e-6));
        // 44,000 Wh / 2.333333 = 18,857.14 tasks; / 1000 = 18.857 days
        assertThat(json.get("break_even_successful_tasks").asDouble()).isCloseTo(18857.142857, within(1e-4));
        assertThat(json.get("break_even_days").asDouble()).isCloseTo(18.857143, within(1e-6));
        // carbon: saving 2.333333 x 0.021 = 0.049 g; 15,048 / 0.049 = 307,102 tasks = 307.10 days
        assertThat(json.get("break_even_days_co2e").asDouble()).isCloseTo(307.1020408, within(1e-6));
        // 90,000 x 2.333333 - 44,000 = 166,000 Wh; 90,000 x 0.049 - 15,048 = -10,638 g
        assertThat(json.get("horizon_net_kwh").asDouble()).isCloseTo(166.0, within(1e-6));
        assertThat(json.get("horizon_net_kg_co2e").asDouble()).isCloseTo(-10.638, within(1e-6));
        assertThat(json.get("pays_back_within_horizon").asBoolean()).isTrue();
        assertThat(json.get("pays_back_within_horizon_co2e").asBoolean()).isFalse();
        assertThat(json.get("sources").isArray()).isTrue();
    }

    @Test
    void aCandidateThatNeverBreaksEvenGivesNullsNotInfinity() throws Exception {
        // candidate 1.2 x 1.5 / 0.5 = 3.6 Wh > baseline 3.0 Wh
        String[] args = replacing("--candidate-wh-per-request", "1.5");
        args = with(args, "--json");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--candidate-success-rate")) {
                args[i + 1] = "0.5";
            }
        }
        CliRun run = run(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("saving_wh_per_successful_task").asDouble()).isCloseTo(-0.6, within(1e-9));
        assertThat(json.get("break_even_successful_tasks").isNull()).isTrue();
        assertThat(json.get("break_even_days").isNull()).isTrue();
        assertThat(json.get("break_even_days_co2e").isNull()).isTrue();
        assertThat(json.get("pays_back_within_horizon").asBoolean()).isFalse();
        assertThat(run.out()).doesNotContain("Infinity").doesNotContain("NaN");
    }

    @Test
    void theTableSaysNeverAndShowsTheSources() {
        CliRun run = run(replacing("--candidate-wh-per-request", "3.0"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("never").contains("Sources").contains("--baseline-wh-per-request");
    }

    @Test
    void aModelRunsThroughTheEnergyModelWithItsTier() throws Exception {
        CliRun run = run(with(new String[] {"estimate", "--gpu-hours", "10", "--gpu-power-w", "300",
            "--training-region", "eu-central-1", "--baseline-model", "llama-3.1-70b-instruct",
            "--baseline-input-tokens", "0", "--baseline-output-tokens", "1000",
            "--candidate-model", "acme-7b", "--candidate-params-b", "7",
            "--candidate-input-tokens", "0", "--candidate-output-tokens", "1000",
            "--inference-pue", "1.2", "--inference-region", "eu-north-1",
            "--successful-tasks-per-day", "100", "--horizon-days", "30"}, "--json"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        // 1000 output tokens x (0.797 J / 3600 + 2.263878e-4 Wh server share) = 0.4477767 Wh; 7B: 0.07328267 Wh
        assertThat(json.get("baseline_wh_per_request").asDouble()).isCloseTo(0.4477767, within(1e-6));
        // The measured part, 0.797 / 3600 = 2.213889e-4 Wh a token, is 2.213889 / 4.477767 = 49.4% of the figure; the
        // rest is the EcoLogits server share. A catalog figure is BENCHMARKED only when its measured part is most of it
        // (more than EnergyModel.BENCHMARKED_MIN_MEASURED_SHARE, 0.5), so this one is ESTIMATED; its Wh is unchanged.
        assertThat(json.get("baseline_tier").asText()).isEqualTo("ESTIMATED");
        assertThat(json.get("candidate_wh_per_request").asDouble()).isCloseTo(0.07328267, within(1e-7));
        assertThat(json.get("candidate_tier").asText()).isEqualTo("ESTIMATED");
    }

    @Test
    void badInputExitsWithTwoAndNamesTheFlagWithoutAStackTrace() {
        assertRejected(replacing("--gpu-hours", "-5"), "--gpu-hours must be a finite number >= 0, got -5.0");
        assertRejected(replacing("--candidate-success-rate", "0"), "--candidate-success-rate must be in (0, 1], got 0");
        assertRejected(replacing("--baseline-success-rate", "1.2"), "--baseline-success-rate must be in (0, 1], got 1.2");
        assertRejected(replacing("--inference-pue", "0.9"), "--inference-pue must be >= 1");
        assertRejected(replacing("--gpu-power-w", "lots"), "--gpu-power-w");
        assertRejected(with(SEED, "--training-region", "eu-central-1"),
                "--training-grid-g-per-kwh and --training-region conflict");
        assertRejected(with(SEED, "--training-kwh", "50"), "--training-kwh replaces --gpu-power-w and --training-pue");
        assertRejected(with(SEED, "--baseline-model", "llama-3.1-70b-instruct"),
                "--baseline-wh-per-request and --baseline-model conflict");
        assertRejected(new String[] {"estimate", "--horizon-days", "90"}, "--successful-tasks-per-day");
        assertRejected(new String[] {"estimate", "--gpu-hours", "10", "--gpu-power-w", "300", "--training-region", "x",
            "--baseline-model", "mystery", "--baseline-input-tokens", "1", "--baseline-output-tokens", "1",
            "--candidate-wh-per-request", "1", "--inference-region", "x",
            "--successful-tasks-per-day", "1", "--horizon-days", "1"},
                "--baseline-model 'mystery' is not in the model catalog: give its size with --baseline-params-b");
    }

    @Test
    void aFreeOneOffRunWithACostlierCandidateNeverPaysBack() throws Exception {
        // training 0 kWh; baseline 1.2 x 2.0 / 0.8 = 3.0 Wh per successful task, candidate 1.2 x 1.5 / 0.5 = 3.6 Wh:
        // the saving is 3.0 - 3.6 = -0.6 Wh, so nothing is ever repaid, although there is nothing to repay.
        String[] args = {"estimate", "--training-kwh", "0", "--training-grid-g-per-kwh", "342",
            "--baseline-wh-per-request", "2.0", "--baseline-success-rate", "0.8",
            "--candidate-wh-per-request", "1.5", "--candidate-success-rate", "0.5",
            "--inference-pue", "1.2", "--inference-grid-g-per-kwh", "21",
            "--successful-tasks-per-day", "1000", "--horizon-days", "90"};
        CliRun run = run(with(args, "--json"));
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("training_kwh").asDouble()).isZero();
        assertThat(json.get("saving_wh_per_successful_task").asDouble()).isCloseTo(-0.6, within(1e-9));
        assertThat(json.get("break_even_days").isNull()).as("break_even_days").isTrue();
        assertThat(json.get("break_even_successful_tasks").isNull()).as("break_even_successful_tasks").isTrue();
        assertThat(json.get("pays_back_within_horizon").asBoolean()).isFalse();
        assertThat(json.get("pays_back_within_horizon_co2e").asBoolean()).isFalse();

        CliRun table = run(args);
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).containsPattern("days at 1000/day\\s+never\\s+never")
                .containsPattern("pays back\\s+no\\s+no");
    }

    @Test
    void itMeteredTrainingEnergyGetsTheProvidersPueAndFacilityEnergyNone(@TempDir Path dir) throws Exception {
        Path pue = testPues(dir);
        // IT: 40 kWh x testcloud's PUE 1.25 = 50 kWh
        assertThat(trainingKwh(pue, "--training-kwh", "40", "--training-kwh-scope", "it",
                "--training-provider", "testcloud", "--training-region", "testregion")).isCloseTo(50.0, within(1e-9));
        // IT, in any case, with a PUE given: 40 x 1.1 = 44 kWh
        assertThat(trainingKwh(pue, "--training-kwh", "40", "--training-kwh-scope", "It", "--training-pue", "1.1",
                "--training-provider", "testcloud", "--training-region", "testregion")).isCloseTo(44.0, within(1e-9));
        // FACILITY by default: 40 kWh as is
        assertThat(trainingKwh(pue, "--training-kwh", "40",
                "--training-provider", "testcloud", "--training-region", "testregion")).isCloseTo(40.0, within(1e-9));
    }

    @Test
    void anEstimatedRunLooksItsPueUpByProviderThenRegion(@TempDir Path dir) throws Exception {
        Path pue = testPues(dir);
        // 100 GPU-h x 400 W / 1000 = 40 kWh IT energy
        // x testcloud's 1.25 = 50 kWh: the provider wins over the region
        assertThat(trainingKwh(pue, "--gpu-hours", "100", "--gpu-power-w", "400",
                "--training-provider", "testcloud", "--training-region", "testregion")).isCloseTo(50.0, within(1e-9));
        // x testregion's 1.5 = 60 kWh: a provider without a row falls back to the region
        assertThat(trainingKwh(pue, "--gpu-hours", "100", "--gpu-power-w", "400",
                "--training-provider", "nocloud", "--training-region", "testregion")).isCloseTo(60.0, within(1e-9));
    }

    @Test
    void theInferencePueComesFromTheInferenceProvider(@TempDir Path dir) throws Exception {
        // baseline 1.25 x 2.0 / 0.8 = 3.125 Wh per successful task with testcloud's PUE, not testregion's 1.5
        CliRun run = run("estimate", "--gpu-hours", "100", "--gpu-power-w", "400", "--training-pue", "1.1",
                "--training-grid-g-per-kwh", "342", "--baseline-wh-per-request", "2.0", "--baseline-success-rate", "0.8",
                "--candidate-wh-per-request", "0.5", "--candidate-success-rate", "0.9",
                "--inference-provider", "testcloud", "--inference-region", "testregion",
                "--pue-factors", testPues(dir).toString(),
                "--successful-tasks-per-day", "1000", "--horizon-days", "90", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("inference_pue").asDouble()).isCloseTo(1.25, within(1e-9));
        assertThat(json.get("baseline_wh_per_successful_task").asDouble()).isCloseTo(3.125, within(1e-9));
    }

    @Test
    void invalidOneOffInputsAreRefusedNamingTheFlag() {
        String[] inference = {"--training-grid-g-per-kwh", "342", "--baseline-wh-per-request", "2.0",
            "--candidate-wh-per-request", "0.5", "--inference-pue", "1.2", "--inference-grid-g-per-kwh", "21",
            "--successful-tasks-per-day", "1000", "--horizon-days", "90"};
        assertRejected(with(with(new String[] {"estimate"}, inference), "--gpu-hours", "0", "--gpu-power-w", "400"),
                "a run needs --training-kwh, or --gpu-hours and --gpu-power-w both > 0");
        assertRejected(with(with(new String[] {"estimate"}, inference), "--training-kwh", "NaN"),
                "--training-kwh must be a finite number >= 0, got NaN");
        assertRejected(with(with(new String[] {"estimate"}, inference), "--training-kwh", "Infinity"),
                "--training-kwh must be a finite number >= 0, got Infinity");
        assertRejected(with(with(new String[] {"estimate"}, inference), "--gpu-hours", "10", "--gpu-power-w", "Infinity"),
                "--gpu-power-w must be a finite number >= 0, got Infinity");
        assertRejected(with(with(new String[] {"estimate"}, inference), "--gpu-hours", "10", "--gpu-power-w", "300",
                "--embodied-g-per-gpu-hour", "-1"), "--embodied-g-per-gpu-hour must be a finite number >= 0, got -1.0");
        assertRejected(with(with(new String[] {"estimate"}, inference), "--gpu-hours", "10", "--gpu-power-w", "300",
                "--overhead-factor", "NaN"), "--overhead-factor must be a finite number >= 1.0, got NaN");
        assertRejected(with(with(new String[] {"estimate"}, inference), "--gpu-hours", "10", "--gpu-power-w", "300",
                "--training-kwh-scope", "it"), "--training-kwh-scope needs --training-kwh");
        assertRejected(with(with(new String[] {"estimate"}, inference), "--training-kwh", "5", "--training-kwh-scope", "rack"),
                "--training-kwh-scope");
        assertRejected(with(with(new String[] {"estimate"}, inference), "--training-kwh", "5", "--training-kwh-scope", "rack"),
                "it, facility");
        assertRejected(with(with(new String[] {"estimate"}, inference), "--training-kwh", "5", "--training-pue", "1.1"),
                "--training-kwh replaces --gpu-power-w and --training-pue");
    }

    /** A PUE file with one provider and one region that the shipped table does not have. */
    private static Path testPues(Path dir) throws Exception {
        Path file = dir.resolve("pue.csv");
        Files.writeString(file, "scope,key,effective_from,pue,source\n"
                + "provider,testcloud,2020-01-01,1.25,test\n"
                + "region,testregion,2020-01-01,1.5,test\n");
        return file;
    }

    /** The training kWh of an estimate with these one-off flags, the PUE file, and the seed's inference side. */
    private static double trainingKwh(Path pueFile, String... oneOff) throws Exception {
        String[] args = with(new String[] {"estimate", "--pue-factors", pueFile.toString(),
            "--baseline-wh-per-request", "2.0", "--candidate-wh-per-request", "0.5", "--inference-pue", "1.2",
            "--inference-grid-g-per-kwh", "21", "--successful-tasks-per-day", "1000", "--horizon-days", "90", "--json"},
                oneOff);
        CliRun run = run(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        return json.get("training_kwh").asDouble();
    }

    @Test
    void helpDocumentsEveryFlag() {
        CliRun run = run("estimate", "--help");
        assertThat(run.exitCode()).isZero();
        for (String flag : List.of("--gpu-hours", "--gpu-power-w", "--training-pue", "--training-grid-g-per-kwh",
                "--training-region", "--training-kwh", "--baseline-wh-per-request", "--candidate-wh-per-request",
                "--baseline-model", "--candidate-model", "--baseline-success-rate", "--candidate-success-rate",
                "--inference-pue", "--inference-grid-g-per-kwh", "--inference-region", "--successful-tasks-per-day",
                "--horizon-days", "--json", "--training-kwh-scope", "--training-provider", "--inference-provider")) {
            assertThat(run.out()).as(flag).contains(flag);
        }
    }

    private static void assertRejected(String[] args, String message) {
        CliRun run = run(args);
        assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(run.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }
}
