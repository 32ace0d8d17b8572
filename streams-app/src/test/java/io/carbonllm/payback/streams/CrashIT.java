package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly once, proven with crashes: the streams app runs as a child JVM on the real broker (standard settings) and
 * registry and is killed with SIGKILL at seeded points while traffic flows, restarted on its state directory, and
 * once on a wiped one. At the end, what it published (read_committed) equals what TopologyTestDriver publishes for
 * the same input: the last revision of every variant and comparison window, every ledger's last status, every
 * ledger's exact sequence of alert transitions, and the dead-letter count. Kafka Streams' dropped-records counts
 * exactly the records each process sent to the DLQ (its handlers resume past them): nothing else is dropped.
 *
 * <p>The traffic includes records no producer should write (an event dated 2100, one at the end of time, garbage,
 * length bombs): each goes to the DLQ and the app keeps counting. The seed is {@code -Dcrash.seed}; a failure names it.
 */
class CrashIT {

    private static final Logger log = LoggerFactory.getLogger(CrashIT.class);
    private static final long SEED = Long.getLong("crash.seed", 20261127L);
    /** Event time near now: the broker's retention deletes records stamped further back than 7 days. */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(50));

    @TempDir
    static Path dir;
    private static RealStack stack;

    @BeforeAll
    static void startStack() {
        stack = new RealStack(dir);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * 60 s windows with 15 min grace; tasks: 20 s gap, 15 min grace; the ledger refreshes every second. The same values
     * drive the reference. Records without a key are spread over the input partitions, as a producer without a key
     * spreads them, so after a crash the restarted app catches up on partitions that run ahead of each other; the
     * grace covers that skew (docs/operations.md, "Catch-up and partitioning"), so no verdict depends on it.
     */
    static Map<String, Object> appConfig(String appId) {
        Map<String, Object> config = new HashMap<>();
        config.put(PaybackStreamsConfig.WINDOW_SIZE_MS_CONFIG, 60_000L);
        config.put(PaybackStreamsConfig.WINDOW_GRACE_MS_CONFIG, 900_000L);
        config.put(PaybackStreamsConfig.TASK_GAP_MS_CONFIG, 20_000L);
        config.put(PaybackStreamsConfig.TASK_GRACE_MS_CONFIG, 900_000L);
        config.put(PaybackStreamsConfig.LEDGER_REFRESH_MS_CONFIG, 1_000L);
        config.put(PaybackStreamsConfig.APPLICATION_ID_CONFIG, appId);
        return config;
    }

    @Test
    void anAppKilledAtSeededPointsPublishesWhatAnUninterruptedReferenceDoes() throws Exception {
        log.info("CrashIT seed {} (rerun with -Dcrash.seed={})", SEED, SEED);
        List<CrashTraffic.Send> sends = CrashTraffic.withFaults(CrashTraffic.generate(SEED, T0, 30, 8), SEED);
        // Given the reference: the same input through TopologyTestDriver
        OutputSnapshot reference = Outputs.reference(dir.resolve("reference"), appConfig("reference"), sends);
        log.info("Reference for {} records: {}", sends.size(), reference);
        assertThat(reference.alertTransitionCount()).as("the traffic fires and resolves alerts").isGreaterThanOrEqualTo(4);
        // 5 faults, and one in two hundred events invalid
        assertThat(reference.deadLetters()).as("the traffic has invalid records").isGreaterThan(5);

        String appId = "crash";
        Map<String, Object> config = stack.appConfig(appConfig(appId));
        Topics topics = stack.createTopics(config);
        stack.publishDefinitions();
        Random random = new Random(SEED);
        int jmxPort = Ports.findFree();
        StreamsChild app = StreamsChild.start(config, dir.resolve("child"), jmxPort);
        try {
            stack.awaitRunning(app, 1);
            // When traffic flows at about 50 records/s, and the app is killed each time it has committed a seeded
            // share of the input (about a quarter, a half, four fifths), while records are still arriving
            // (the closing ticks go last, once everything else is read: with records spread over the partitions, a tick
            // read before a slower partition's last records would close their tasks and windows under them)
            List<CrashTraffic.Send> body = sends.stream().filter(s -> !CrashTraffic.isTick(s)).toList();
            List<CrashTraffic.Send> ticks = sends.stream().filter(CrashTraffic::isTick).toList();
            Thread producer = new Thread(() -> stack.send(body, 10, 200, true), "crash-it-producer");
            producer.start();
            double[] shares = {0.2 + 0.1 * random.nextDouble(), 0.5 + 0.1 * random.nextDouble(), 0.75 + 0.1 * random.nextDouble()};
            for (int crash = 1; crash <= shares.length; crash++) {
                long threshold = Math.round(sends.size() * shares[crash - 1]);
                StreamsChild running = app;
                await().atMost(3, TimeUnit.MINUTES).pollInterval(Duration.ofMillis(100))
                        .until(() -> stack.committedInput(appId) >= threshold || !running.isAlive());
                assertThat(app.isAlive()).as("the app is running before crash " + crash + ":\n" + app.tail(40)).isTrue();
                assertThat(app.droppedOutsideTheDlq()).as("dropped-records outside the DLQ before crash " + crash).isZero();
                app.kill();
                long processed = stack.committedInput(appId);
                boolean wipe = crash == 2;
                log.info("Crash {}: killed with {} of {} input records committed{}", crash, processed, sends.size(),
                        wipe ? "; wiping its state directory" : "");
                if (wipe) {
                    RealStack.deleteRecursively(stack.stateDir(appId));
                }
                app = StreamsChild.start(config, dir.resolve("child"), jmxPort);
                stack.awaitRunning(app, crash + 1);
            }
            producer.join(TimeUnit.MINUTES.toMillis(3));

            // Then once the app has read everything, it has published what the reference did
            stack.awaitAllRead(app, appId, body.size());
            stack.send(ticks, 10, 0, true);
            stack.awaitAllRead(app, appId, sends.size());
            stack.awaitSameAs(reference, config, topics, "seed " + SEED);
            assertThat(app.droppedOutsideTheDlq()).as("dropped-records outside the DLQ at the end").isZero();
        } finally {
            app.close();
        }
    }
}
