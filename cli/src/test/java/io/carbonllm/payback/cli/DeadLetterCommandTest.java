package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Bad flags of {@code dlq} and {@code dlq replay} are refused before Kafka is contacted: exit code 2 and a message
 * naming the flag and what it accepts. Each points at a port nothing listens on, so a check that let a bad flag through
 * would end in a Kafka error with exit code 1 instead.
 */
class DeadLetterCommandTest {

    private static final String NOWHERE = "127.0.0.1:1";

    private static CliRun refused(String... args) {
        CliRun run = CliRun.of(args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        return run;
    }

    @Test
    void anUnknownStageIsRefusedListingTheKnownOnes() {
        assertThat(refused("dlq", "--bootstrap-servers", NOWHERE, "--stage", "parse").err())
                .contains("--stage").contains("deserialize, validate, late").contains("'parse'");
        assertThat(refused("dlq", "replay", "--bootstrap-servers", NOWHERE, "--stage", "parse").err())
                .contains("--stage").contains("deserialize, validate, late");
    }

    @Test
    void anUnreadableSinceIsRefusedListingTheFormsItTakes() {
        assertThat(refused("dlq", "--bootstrap-servers", NOWHERE, "--since", "yesterday").err())
                .contains("--since").contains("ISO-8601 instant").contains("2h").contains("'yesterday'");
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThat(refused("dlq", "--bootstrap-servers", NOWHERE, "--limit", "-1").err())
                .contains("--limit must be 0 (show all) or more, got -1");
    }

    @Test
    void replayNeedsAStageSoThatNothingIsReplayedByAccident() {
        assertThat(refused("dlq", "replay", "--bootstrap-servers", NOWHERE).err()).contains("Missing required option")
                .contains("--stage");
    }

    @Test
    void lateDeadLettersCannotBeReplayedAndTheMessageSaysWhichCan() {
        assertThat(refused("dlq", "replay", "--bootstrap-servers", NOWHERE, "--stage", "LATE").err())
                .contains("--stage late cannot be replayed").contains("replayable stages: deserialize, validate");
    }

    @Test
    void aBatchSizeOutOfRangeIsRefused() {
        assertThat(refused("dlq", "replay", "--bootstrap-servers", NOWHERE, "--stage", "validate", "--batch-size", "0")
                .err()).contains("--batch-size must be 1 to 10000, got 0");
    }

    @Test
    void bothCommandsHaveHelpAndTheLauncherListsThem() {
        CliRun list = CliRun.of("dlq", "--help");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("--stage").contains("--since").contains("--limit").contains("--full")
                .contains("--json").contains("replay");
        CliRun replay = CliRun.of("dlq", "replay", "--help");
        assertThat(replay.exitCode()).isZero();
        assertThat(replay.out()).contains("--stage").contains("--since").contains("--dry-run")
                .contains("<dlq topic>-replayed");
        assertThat(CliRun.of("--help").out()).contains("dlq");
    }
}
