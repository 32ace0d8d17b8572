package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production engine applies the comparison windows revised since its last step every
 * {@code payback.engine.apply.ms}, not every revision as it comes (TopologyFixture's mode for the scenario tests).
 * Over the crash tests' traffic (20 minutes of three use cases and three models, folded tasks, records late within
 * their grace and too late for it, poison records), both publish the same windows, the same last status of every
 * ledger and the same alert transitions in the same order; only how many intermediate statuses they publish differs.
 */
class EngineApplyIntervalTest {

    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(50));

    @TempDir
    Path dir;

    @Test
    void marksAppliedEveryIntervalPublishWhatEveryRevisionAppliedAsItComesDoes() {
        for (long seed : new long[] {3L, 17L}) {
            List<CrashTraffic.Send> sends = CrashTraffic.generate(seed, T0, 20, 6);
            // Every revision as it comes (the fixture's mode)
            OutputSnapshot immediate = Outputs.reference(dir.resolve("immediate-" + seed),
                    CrashIT.appConfig("immediate"), sends);
            // Every 200 ms of wall clock, which moves 200 ms per 40 records: marks of many windows and comparisons are
            // applied together, and every fifth tick is also a ledger refresh (1 s), which closes windows in between
            Map<String, Object> config = new HashMap<>(CrashIT.appConfig("interval"));
            config.put(PaybackStreamsConfig.ENGINE_APPLY_MS_CONFIG, 200L);
            OutputSnapshot interval = Outputs.reference(dir.resolve("interval-" + seed), config, sends, 40,
                    Duration.ofMillis(200));

            assertThat(immediate.differences(interval)).as("seed " + seed).isEmpty();
            // (and the traffic is not trivial: it revised windows of every comparison and moved alerts)
            assertThat(immediate.alertTransitionCount()).as(immediate.toString()).isPositive();
        }
    }

    @Test
    void aMarkIsNotAppliedToAComparisonThatMovedToAnotherUseCaseInTheMeantime() {
        // Given the interval mode, and comparison cmp-move on the fixture's use case
        try (TopologyFixture fx = new TopologyFixture(dir.resolve("move"),
                Map.of(PaybackStreamsConfig.ENGINE_APPLY_MS_CONFIG, 200L))) {
            fx.comparisons.pipeInput("cmp-move", comparison(TopologyFixture.USE_CASE));
            // and traffic of both its models in one window, marked but not applied yet (no wall clock has passed)
            long t0 = T0.toEpochMilli();
            for (int i = 0; i < 5; i++) {
                fx.pipe(fx.event(TopologyFixture.BASELINE, t0 + i * 1_000L, 800, 200, true));
                fx.pipe(fx.event(TopologyFixture.FINE_TUNE, t0 + i * 1_000L, 400, 200, true));
            }
            assertThat(fx.paybackStatus.readRecordsToList()).as("nothing applied before the interval").isEmpty();

            // When the comparison moves to another use case before the interval, and then the interval and a ledger
            // refresh pass
            fx.comparisons.pipeInput("cmp-move", comparison("elsewhere"));
            fx.driver.advanceWallClockTime(Duration.ofMillis(fx.config.ledgerRefresh().toMillis() + 1));

            // Then the old use case's traffic revised no ledger of the moved comparison: no status claims it for the
            // new use case (its ledger there starts with that use case's own traffic, on its own partition)
            assertThat(fx.paybackStatus.readValuesToList()).filteredOn(s -> s != null)
                    .noneMatch(s -> "elsewhere".equals(s.getUseCase()));
        }
    }

    private static ComparisonDefinition comparison(String useCase) {
        return ComparisonDefinition.newBuilder().setComparisonId("cmp-move").setUseCase(useCase)
                .setBaselineModel(TopologyFixture.BASELINE)
                .setCandidates(List.of(CandidateDefinition.newBuilder().setCandidateId("ft")
                        .setModelId(TopologyFixture.FINE_TUNE).build()))
                .setMinBaselineTasks(2).build();
    }
}
