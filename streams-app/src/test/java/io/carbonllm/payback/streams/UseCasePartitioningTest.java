package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.OfflineConfig;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.dlq.DeadLetters;
import io.carbonllm.payback.streams.topics.Topics;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code payback.input.partitioning=use-case}: the input is partitioned by use case already (the SDK's keying), so the
 * app folds, windows and compares on the input's own task, with no repartition; a record on another partition than
 * its use case's goes to the DLQ, stage {@code misrouted}, and changes nothing.
 */
class UseCasePartitioningTest {

    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(50));

    @TempDir
    Path dir;

    @Test
    void theTopologyHasOneSubTopologyAndNoRepartition() {
        PaybackStreamsConfig config = OfflineConfig.of(PaybackStreamsConfig.INPUT_PARTITIONING_CONFIG, "use-case");
        TopologyDescription description = new PaybackTopology(config,
                Topics.from(config, new InMemorySchemaRegistryClient())).build().describe();

        Set<String> nodes = new TreeSet<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(n -> nodes.add(n.name())));
        assertThat(description.subtopologies()).hasSize(1);
        assertThat(nodes).containsExactlyInAnyOrder(
                "read-inference-events", "validate", "account-energy", "require-use-case-partition",
                "fold-tasks-and-window", "write-variant-windows",
                "compare-amortize-alert", "write-comparison-windows", "write-payback-status", "write-payback-alerts",
                "write-period-totals", "write-period-restatements");
    }

    @Test
    void withoutTheRepartitionTheAppPublishesWhatItPublishesWithIt() {
        // Over the crash tests' traffic (three use cases, folded tasks, records late within and beyond their grace,
        // poison records), all on the test driver's one partition: in place for a one-partition input
        for (long seed : new long[] {5L, 23L}) {
            List<CrashTraffic.Send> sends = CrashTraffic.generate(seed, T0, 20, 6);
            OutputSnapshot repartitioned = Outputs.reference(dir.resolve("any-" + seed), CrashIT.appConfig("any"),
                    sends);
            Map<String, Object> config = new HashMap<>(CrashIT.appConfig("in-place"));
            config.put(PaybackStreamsConfig.INPUT_PARTITIONING_CONFIG, "use-case");
            OutputSnapshot inPlace = Outputs.reference(dir.resolve("use-case-" + seed), config, sends);

            assertThat(repartitioned.differences(inPlace)).as("seed " + seed).isEmpty();
            assertThat(repartitioned.variantWindowCount()).as(repartitioned.toString()).isPositive();
            assertThat(repartitioned.alertTransitionCount()).as(repartitioned.toString()).isPositive();
        }
    }

    @Test
    void aRecordOnAnotherPartitionThanItsUseCasesGoesToTheDlqAndCountsNowhere() {
        // Given an input of 2 partitions, read (as the test driver reads everything) from partition 0: a use case
        // hashed to partition 0 is in place, one hashed to partition 1 is not
        String inPlace = useCaseOn(0, 2);
        String elsewhere = useCaseOn(1, 2);
        try (TopologyFixture fx = inPlaceOnTwoPartitions("misrouted")) {
            long t = T0.toEpochMilli();
            InferenceEvent good = fx.event(TopologyFixture.BASELINE, t, 100, 10, true);
            good.setUseCase(inPlace);
            InferenceEvent misrouted = fx.event(TopologyFixture.BASELINE, t + 1_000, 100, 10, true);
            misrouted.setUseCase(elsewhere);
            fx.pipe(good);
            fx.pipe(misrouted);

            // Then the misrouted one is a dead letter, stage misrouted, with the partitions in its reason and the
            // producer's bytes as its value (replayable)
            List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
            assertThat(dead).hasSize(1);
            assertThat(header(dead.get(0), DeadLetters.STAGE)).isEqualTo("misrouted");
            assertThat(header(dead.get(0), DeadLetters.REASON))
                    .contains("use case '" + elsewhere + "' is on partition 0")
                    .contains("its use case's partition is 1 of 2")
                    .contains("payback.input.partitioning=any");
            assertThat(dead.get(0).value())
                    .isEqualTo(fx.topics.inferenceEvents().valueSerde().serializer().serialize("inference-events", misrouted));
            // and only the record in place was windowed
            fx.driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(fx.variantWindows.readValuesToList()).extracting(w -> w.getUseCase()).containsOnly(inPlace);
        }
    }

    @Test
    void aDeadLetteredEventDatedAheadDoesNotMakeTheEventsAfterItLate() {
        // Given the in-place mode on a 2-partition input (read from partition 0), and a valid request 5 minutes ago
        String inPlace = useCaseOn(0, 2);
        String elsewhere = useCaseOn(1, 2);
        try (TopologyFixture fx = inPlaceOnTwoPartitions("ahead")) {
            long now = System.currentTimeMillis();
            fx.pipe(on(inPlace, fx.event(TopologyFixture.BASELINE, now - 300_000, 100, 10, true)));
            // When two events dated 10 minutes ahead (within the 15 minutes allowed) go to the DLQ: one invalid
            // (negative tokens), one misrouted
            fx.pipe(on(inPlace, fx.event(TopologyFixture.BASELINE, now + 600_000, -5, 10, true)));
            fx.pipe(on(elsewhere, fx.event(TopologyFixture.BASELINE, now + 600_000, 100, 10, true)));
            // and then a valid request 4 minutes ago arrives
            fx.pipe(on(inPlace, fx.event(TopologyFixture.BASELINE, now - 240_000, 100, 10, true)));

            // Then the two are dead letters for what they are (the invalid one's reason is its tokens, not its time),
            // and the request after them is not late: stream time stayed at the valid events' times (had it moved 10
            // minutes ahead, the window 4 minutes ago would have closed, past its 30 s grace)
            List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
            assertThat(dead).extracting(r -> header(r, DeadLetters.STAGE)).containsExactly("validate", "misrouted");
            assertThat(header(dead.get(0), DeadLetters.REASON)).contains("inputTokens -5 is negative")
                    .doesNotContain("ahead of the wall clock");
            long windowStart = (now - 240_000) - Math.floorMod(now - 240_000, 60_000);
            assertThat(fx.storedWindow(inPlace, TopologyFixture.BASELINE, windowStart)).isNotNull();
        }
    }

    /** The in-place mode, told the input has 2 partitions (the test driver reads everything from partition 0). */
    private TopologyFixture inPlaceOnTwoPartitions(String name) {
        return new TopologyFixture(dir.resolve(name), Map.of(PaybackStreamsConfig.INPUT_PARTITIONING_CONFIG, "use-case",
                TopologyFixture.INPUT_PARTITIONS, 2));
    }

    private static InferenceEvent on(String useCase, InferenceEvent event) {
        event.setUseCase(useCase);
        return event;
    }

    private static String useCaseOn(int partition, int partitions) {
        for (int i = 0; ; i++) {
            if (UseCasePartitioner.partitionOf("uc-" + i, partitions) == partition) {
                return "uc-" + i;
            }
        }
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
