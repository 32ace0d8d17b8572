package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catch-up after a crash: the app is killed, a backlog of about ten minutes of event time arrives (requests with a
 * task id, single requests, records without a key), and the restarted app reads it as fast as it can. With the
 * default windows (60 s, 30 s grace) and tasks (60 s gap, 10 s grace), every task still counts where the reference
 * counts it, and nothing is dead-lettered as late.
 *
 * <p>Why this could fail: while the requests without a task id and the folded tasks took two repartition paths, a
 * catch-up let the former run minutes ahead in the window stage's stream time, and folded tasks arriving after them
 * were late. Folding and windowing now share one partition and one stream time ({@code FoldAndWindow}).
 */
class CatchUpIT {

    private static final long SEED = Long.getLong("catchup.seed", 42L);
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(35));

    @TempDir
    Path dir;

    /**
     * With the repartition ({@code any}) and without it ({@code use-case}: the records are on their use case's
     * partitions, as {@link RealStack#send} writes them, and fold and window on the input's own tasks).
     */
    @ParameterizedTest(name = "payback.input.partitioning={0}")
    @ValueSource(strings = {"any", "use-case"})
    void aTenMinuteBacklogAfterACrashIsFoldedAndCountedAsTheReferenceCountsIt(String partitioning) throws Exception {
        // Given 13 minutes of traffic, sent up to 20 s late (within the 30 s window grace), with the defaults
        Map<String, Object> defaults = Map.of(PaybackStreamsConfig.APPLICATION_ID_CONFIG, "catch-up",
                PaybackStreamsConfig.LEDGER_REFRESH_MS_CONFIG, 1_000L,
                PaybackStreamsConfig.INPUT_PARTITIONING_CONFIG, partitioning);
        List<CrashTraffic.Send> sends = CrashTraffic.generate(SEED, T0, 13, 8, 20_000);
        long backlogFrom = T0.plus(Duration.ofMinutes(3)).toEpochMilli();
        List<CrashTraffic.Send> live = sends.stream().filter(s -> s.sendAt() < backlogFrom).toList();
        List<CrashTraffic.Send> backlog = sends.stream().filter(s -> s.sendAt() >= backlogFrom).toList();
        OutputSnapshot reference = Outputs.reference(dir.resolve("reference"), defaults, sends);
        assertThat(reference.deadLetters()).as("nothing is late in the reference, only invalid events (1 in 200)")
                .isLessThan(sends.size() / 50);

        try (RealStack stack = new RealStack(dir.resolve("stack"))) {
            run(stack, defaults, sends, live, backlog, reference);
        }
    }

    private void run(RealStack stack, Map<String, Object> defaults, List<CrashTraffic.Send> sends,
                     List<CrashTraffic.Send> live, List<CrashTraffic.Send> backlog, OutputSnapshot reference)
            throws Exception {
        Map<String, Object> config = stack.appConfig(defaults);
        Topics topics = stack.createTopics(config);
        stack.publishDefinitions();
        int jmxPort = Ports.findFree();
        StreamsChild app = StreamsChild.start(config, dir.resolve("child"), jmxPort);
        try {
            // and the first 3 minutes read live
            stack.awaitRunning(app, 1);
            stack.send(live, 20, 50, false);
            stack.awaitAllRead(app, "catch-up", live.size());

            // When the app is killed, 10 minutes of backlog arrive while it is down, and it starts again
            app.kill();
            stack.send(backlog, 500, 0, false);
            app = StreamsChild.start(config, dir.resolve("child"), jmxPort);
            stack.awaitRunning(app, 2);
            stack.awaitAllRead(app, "catch-up", sends.size());

            // Then every window holds the tasks the reference counts, folded the same way, and nothing was late
            stack.awaitSameAs(reference, config, topics, "seed " + SEED);
            assertThat(app.droppedOutsideTheDlq()).isZero();
        } finally {
            app.close();
        }
    }
}
