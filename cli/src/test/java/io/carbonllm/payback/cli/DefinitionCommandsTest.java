package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.TrainingRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Bad definitions are refused before anything is published: exit code 2 and a message naming the flag. Each refused
 * command points at a port nothing listens on, so a check that let it through would fail on Kafka with exit code 1.
 * Accepted definitions are built without publishing, to read back what would go on the topic.
 */
class DefinitionCommandsTest {

    private static String[] run(int expectedExit, String... args) {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(expectedExit);
        return new String[] {run.out(), run.err()};
    }

    private static final String[] BASE = {"comparison", "put", "--bootstrap-servers", "127.0.0.1:1", "--id", "c",
        "--use-case", "u", "--baseline", "big", "--candidate", "ft=small"};

    private static final String[] RUN = {"run", "--bootstrap-servers", "127.0.0.1:1", "--id", "r"};

    private static String[] with(String[] base, String... more) {
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return args;
    }

    private static String[] with(String... more) {
        return with(BASE, more);
    }

    /** The comparison {@code put} would publish, after the same checks; the put's args after "comparison put". */
    private static ComparisonDefinition definition(String... args) {
        CommandLine cli = new CommandLine(new ComparisonCommand.Put());
        cli.parseArgs(args);
        return ((ComparisonCommand.Put) cli.getCommand()).validDefinition();
    }

    /** The record {@code run} would publish, after the same checks. */
    private static TrainingRun trainingRun(String... args) {
        CommandLine cli = new CommandLine(new RunCommand());
        cli.parseArgs(args);
        return ((RunCommand) cli.getCommand()).validRun();
    }

    // comparison put

    @Test
    void aComparisonNamingAnUndeclaredCandidateIsRefused() {
        assertThat(run(2, with("--candidate-runs", "rag=r1"))[1])
                .contains("--candidate-runs names candidate 'rag', which no --candidate declares");
    }

    @Test
    void eachVariantMaySayWhoseHardwareItsInferenceRunsOn() {
        ComparisonDefinition def = definition("--id", "c", "--use-case", "u", "--baseline", "gpt-4o",
                "--baseline-ownership", "API", "--candidate", "ft=llama-8b-ft", "--candidate", "rag=llama-70b",
                "--candidate-ownership", "ft=Owned");
        assertThat(def.getBaselineOwnership()).isEqualTo("api");
        assertThat(def.getCandidates()).extracting(c -> c.getCandidateId() + "=" + c.getOwnership())
                .containsExactly("ft=owned", "rag=null");
        assertThat(run(2, with("--candidate-ownership", "ft=rented"))[1])
                .contains("--candidate-ownership ft must be one of owned, colocated, cloud, api, got rented");
        assertThat(run(2, with("--baseline-ownership", "rented"))[1])
                .contains("--baseline-ownership must be one of owned, colocated, cloud, api, got rented");
        assertThat(run(2, with("--candidate-ownership", "rag=owned"))[1])
                .contains("--candidate-ownership names candidate 'rag', which no --candidate declares");
    }

    @Test
    void anUnknownCandidateKindIsRefusedWithTheAllowedValues() {
        assertThat(run(2, with("--candidate-kind", "ft=MAGIC"))[1]).contains("--candidate-kind ft=MAGIC")
                .contains("fine-tune, rag, prompt, other");
    }

    @Test
    void aCandidateKindIsTheEnumInAnyCase() {
        ComparisonDefinition def = definition("--id", "c", "--use-case", "u", "--baseline", "big",
                "--candidate", "ft=small", "--candidate", "r=small-rag", "--candidate-kind", "r=rag");
        assertThat(def.getCandidates()).extracting(c -> c.getKind()).containsExactly("FINE_TUNE", "RAG");
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
    void streaksAndLookBackAreBoundedLikeTheEngineBoundsThem() {
        // LedgerLimits: streaks 1..100, look-back 1..1440
        assertThat(run(2, with("--fire-after", "0"))[1]).contains("--fire-after must be in [1, 100], got 0");
        assertThat(run(2, with("--resolve-after", "101"))[1]).contains("--resolve-after must be in [1, 100], got 101");
        assertThat(run(2, with("--lookback-windows", "1441"))[1]).contains("--lookback-windows must be in [1, 1440], got 1441");
        assertThat(definition("--id", "c", "--use-case", "u", "--baseline", "big", "--candidate", "ft=small",
                "--fire-after", "100", "--resolve-after", "1", "--lookback-windows", "1440").getSavingRateLookbackWindows())
                .isEqualTo(1440);
    }

    @Test
    void theValidatorsCandidateProblemsNameTheCandidateFlags() {
        assertThat(run(2, with("--candidate-retrieval-wh", "ft=NaN"))[1])
                .contains("--candidate-retrieval-wh ft must be a finite number >= 0, got NaN");
        assertThat(run(2, "comparison", "put", "--bootstrap-servers", "127.0.0.1:1", "--id", "c", "--use-case", "u",
                "--baseline", "big", "--candidate", "ft=big")[1]).contains("--candidate ft 'big' is the baseline model");
        assertThat(run(2, with("--candidate-runs", "ft=r1,,r2"))[1]).contains("--candidate-runs ft has an empty run id");
    }

    @Test
    void aPinnedBaselineWithADropBarNeedsItsSuccessRate() {
        assertThat(run(2, with("--pinned-baseline-wh", "3.0", "--max-success-rate-drop", "0.05"))[1])
                .contains("--max-success-rate-drop needs --pinned-baseline-success-rate when the baseline is pinned");
        assertThat(run(2, with("--pinned-baseline-success-rate", "0.8"))[1])
                .contains("--pinned-baseline-success-rate goes with --pinned-baseline-wh");
        assertThat(run(2, with("--pinned-baseline-wh", "3.0", "--pinned-baseline-success-rate", "1.2"))[1])
                .contains("--pinned-baseline-success-rate must be in [0, 1], got 1.2");
        ComparisonDefinition def = definition("--id", "c", "--use-case", "u", "--baseline", "big",
                "--candidate", "ft=small", "--pinned-baseline-wh", "3.0", "--pinned-baseline-success-rate", "0.8",
                "--max-success-rate-drop", "0.05");
        assertThat(def.getPinnedBaselineWhPerSuccessfulTask()).isEqualTo(3.0);
        assertThat(def.getPinnedBaselineSuccessRate()).isEqualTo(0.8);
    }

    @Test
    void theBasisDefaultsToEnergyAndIsTheEnumInAnyCase() {
        String[] put = {"--id", "c", "--use-case", "u", "--baseline", "big", "--candidate", "ft=small"};
        assertThat(definition(put).getBasis()).isEqualTo("ENERGY");
        assertThat(definition(with(put, "--basis", "co2e-location")).getBasis()).isEqualTo("CO2E_LOCATION");
        assertThat(definition(with(put, "--basis", "CO2E-MARKET")).getBasis()).isEqualTo("CO2E_MARKET");
        assertThat(run(2, with("--basis", "carbon"))[1]).contains("--basis")
                .contains("energy, co2e-location, co2e-market").contains("carbon");
    }

    @Test
    void anEditThatStartsANewEpochIsRefusedWithoutNewEpochAndSaysWhatChanges() {
        EpochChange change = new EpochChange(List.of("ft"), List.of("candidate ft: model llama-a -> llama-b"));

        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ComparisonCommand.Put());
        cli.setErr(new PrintWriter(err));
        cli.parseArgs("--id", "c", "--use-case", "u", "--baseline", "big", "--candidate", "ft=llama-b");
        ComparisonCommand.Put put = cli.getCommand();
        assertThatThrownBy(() -> put.confirmEpoch(change)).isInstanceOf(ParameterException.class)
                .hasMessageContaining("pass --new-epoch to confirm");
        assertThat(err.toString()).contains("new ledger epoch").contains("candidate ft: model llama-a -> llama-b");

        StringWriter confirmedErr = new StringWriter();
        CommandLine confirmed = new CommandLine(new ComparisonCommand.Put());
        confirmed.setErr(new PrintWriter(confirmedErr));
        confirmed.parseArgs("--id", "c", "--use-case", "u", "--baseline", "big", "--candidate", "ft=llama-b", "--new-epoch");
        ((ComparisonCommand.Put) confirmed.getCommand()).confirmEpoch(change);
        assertThat(confirmedErr.toString()).contains("candidate ft: model llama-a -> llama-b");

        ((ComparisonCommand.Put) confirmed.getCommand()).confirmEpoch(EpochChange.NONE);
    }

    // run

    @Test
    void aRunNeedsEitherGpuInputsOrMeteredEnergy() {
        assertThat(run(2, with(RUN, "--gpus", "8"))[1]).contains("give --gpus, --hours and --power-w, or --metered-kwh");
        assertThat(run(2, with(RUN, "--metered-kwh", "5", "--kind", "TRAINING"))[1])
                .contains("--kind").contains("fine-tune, rag-index, other").contains("TRAINING");
        assertThat(run(2, with(RUN, "--gpus", "8", "--hours", "1", "--power-w", "300", "--pue", "0.8"))[1])
                .contains("--pue must be a finite number >= 1.0, got 0.8");
    }

    @Test
    void nonFiniteOrNegativeRunInputsAreRefusedNamingTheFlag() {
        assertThat(run(2, with(RUN, "--metered-kwh", "Infinity"))[1])
                .contains("--metered-kwh must be a finite number >= 0, got Infinity");
        assertThat(run(2, with(RUN, "--metered-kwh", "NaN"))[1]).contains("--metered-kwh must be a finite number >= 0, got NaN");
        assertThat(run(2, with(RUN, "--metered-kwh", "5", "--embodied-g-per-gpu-hour", "-6.2"))[1])
                .contains("--embodied-g-per-gpu-hour must be a finite number >= 0, got -6.2");
        assertThat(run(2, with(RUN, "--gpus", "8", "--hours", "NaN", "--power-w", "300"))[1])
                .contains("--hours must be a finite number >= 0, got NaN");
        assertThat(run(2, with(RUN, "--gpus", "8", "--hours", "0", "--power-w", "300"))[1])
                .contains("a run needs --metered-kwh, or --gpus x --hours and --power-w both > 0");
        assertThat(run(2, with(RUN, "--gpus", "8", "--hours", "1", "--power-w", "300", "--overhead-factor", "0.5"))[1])
                .contains("--overhead-factor must be a finite number >= 1.0, got 0.5");
    }

    @Test
    void aMeteredScopeGoesWithMeteredEnergyAndTakesTheAllowedValues() {
        assertThat(run(2, with(RUN, "--gpus", "8", "--hours", "1", "--power-w", "300", "--metered-scope", "it"))[1])
                .contains("--metered-scope needs --metered-kwh");
        assertThat(run(2, with(RUN, "--metered-kwh", "5", "--metered-scope", "rack"))[1])
                .contains("--metered-scope").contains("it, facility").contains("rack");
        assertThat(run(2, with(RUN, "--metered-kwh", "5", "--pue", "1.2"))[1])
                .contains("--pue does not apply to facility-metered --metered-kwh");
    }

    @Test
    void aRunCarriesItsScopeProviderAndKind() {
        TrainingRun it = trainingRun("--id", "r", "--kind", "rag-index", "--metered-kwh", "42.5", "--metered-scope", "It",
                "--provider", "aws", "--region", "eu-north-1", "--pue", "1.1");
        assertThat(it.getKind()).isEqualTo("RAG_INDEX");
        assertThat(it.getMeteredKwh()).isEqualTo(42.5);
        assertThat(it.getMeteredScope()).isEqualTo("IT");
        assertThat(it.getProvider()).isEqualTo("aws");
        assertThat(it.getPue()).isEqualTo(1.1);
        // FACILITY when metered energy says nothing; no scope without metered energy
        assertThat(trainingRun("--id", "r", "--metered-kwh", "5").getMeteredScope()).isEqualTo("FACILITY");
        TrainingRun estimated = trainingRun("--id", "r", "--gpus", "8", "--hours", "3.5", "--power-w", "300");
        assertThat(estimated.getMeteredScope()).isNull();
        assertThat(estimated.getKind()).isEqualTo("FINE_TUNE");
    }

    @Test
    void aRunSaysWhoseHardwareItUsedAndSoItsScope() {
        // from the provider: a cloud, Scope 3 Category 1 for all of it
        TrainingRun cloud = trainingRun("--id", "r", "--metered-kwh", "5", "--provider", "aws");
        assertThat(cloud.getOwnership()).isNull();
        assertThat(RunCommand.scopeNote(cloud)).isEqualTo("cloud (from provider aws): electricity in Scope 3 "
                + "Category 1 (purchased goods and services), hardware included");
        // given: a colocated rack at that provider's site, Scope 2 and Category 2 apart
        TrainingRun colocated = trainingRun("--id", "r", "--metered-kwh", "5", "--provider", "aws",
                "--ownership", "Colocated");
        assertThat(colocated.getOwnership()).isEqualTo("colocated");
        assertThat(RunCommand.scopeNote(colocated)).isEqualTo("colocated (given): electricity in Scope 2 (purchased "
                + "electricity), hardware in Scope 3 Category 2 (capital goods)");
        // no provider: the organisation's own
        assertThat(RunCommand.scopeNote(trainingRun("--id", "r", "--metered-kwh", "5")))
                .startsWith("owned (no provider): electricity in Scope 2");
        // an unknown ownership names the allowed ones
        assertThat(run(2, with(RUN, "--metered-kwh", "5", "--ownership", "rented"))[1])
                .contains("--ownership").contains("owned, colocated, cloud, api").contains("rented");
    }

    @Test
    void helpDocumentsTheNewFlags() {
        assertThat(run(0, "run", "--help")[0]).contains("--metered-scope").contains("--provider")
                .contains("CodeCarbon, DCGM and").contains("nvidia-smi");
        assertThat(run(0, "comparison", "put", "--help")[0]).contains("--basis").contains("--pinned-baseline-success-rate")
                .contains("--new-epoch");
    }
}
