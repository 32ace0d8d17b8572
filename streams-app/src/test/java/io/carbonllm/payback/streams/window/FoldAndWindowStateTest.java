package io.carbonllm.payback.streams.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.carbonllm.payback.events.TaskKey;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.schemas.registry.CompatibilityLevel;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.OfflineConfig;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * What fold and window keeps across restarts, and the in-memory views it keeps of its stores. Windows revised but not
 * yet published to {@code variant-windows} when an instance stops are kept in {@code variant-pending-store}; the
 * next run publishes them before any later revision, whatever its interval. The open windows and the close index are
 * held in memory as well as in their stores: they start from the stores as restored, never from what a processor
 * held before, and a window past its grace is read from its store again.
 */
class FoldAndWindowStateTest {

    private static final String ENGINE = "engine";
    private static final String SINK = "sink";
    private static final long S = 1_000;

    @Test
    void windowsKeptFromARunWithAnIntervalArePublishedFirstByARunWithoutOne() {
        // Given the stores of one task, shared by two runs of the processor (as after a restart)
        MockProcessorContext<String, VariantWindow> context = contextWithStores();

        // and a run publishing every 200 ms that revised window [0, 60 s) of uc/base three times (1 + 1 + 1 requests)
        // before it stopped, with no interval passed
        FoldAndWindow<String> withInterval = processor(Duration.ofMillis(200));
        withInterval.init(context);
        for (long t : new long[] {1 * S, 2 * S, 3 * S}) {
            process(withInterval, context, t, "base");
        }
        assertThat(context.forwarded(ENGINE)).as("each revision goes to the engine as it is made").hasSize(3);
        assertThat(context.forwarded(SINK)).as("none is published before the interval").isEmpty();
        context.resetForwards();

        // When a run that publishes every revision as it is made starts on those stores and gets a request of uc/ft
        FoldAndWindow<String> withoutInterval = processor(Duration.ZERO);
        withoutInterval.init(context);
        process(withoutInterval, context, 4 * S, "ft");

        // Then it first publishes the kept window (3 requests, stamped at its last revision, 3 s), then the new one
        List<VariantWindow> published = context.forwarded(SINK).stream()
                .map(f -> (VariantWindow) f.record().value()).toList();
        assertThat(published).extracting(VariantWindow::getModelId, VariantWindow::getRequests)
                .containsExactly(tuple("base", 3L),
                        tuple("ft", 1L));
        assertThat(context.forwarded(SINK).get(0).record().timestamp()).isEqualTo(3 * S);
        // and nothing is left waiting in the store
        KeyValueStore<String, Long> pending = context.getStateStore(StoreNames.VARIANT_PENDING);
        try (var all = pending.all()) {
            assertThat(all.hasNext()).isFalse();
        }
    }

    @Test
    void aNewRunContinuesTheStoredWindowsAndClosesTheStoredTasks() {
        // Given a run (task gap 60 s, grace 10 s: a task closes 70 s after its last request) that put two requests
        // without a task id in window [0, 60 s) of uc/base and left task t1 open with requests at 3 s and 4 s
        MockProcessorContext<String, VariantWindow> context = contextWithStores();
        FoldAndWindow<String> first = processor(Duration.ofMillis(100));
        first.init(context);
        process(first, context, 1 * S, "base");
        process(first, context, 2 * S, "base");
        process(first, context, 3 * S, "base", "t1");
        process(first, context, 4 * S, "base", "t1");
        context.resetForwards();

        // When a new processor starts on those stores and gets a request at 5 s, then one at 80 s
        FoldAndWindow<String> second = processor(Duration.ofMillis(100));
        second.init(context);
        process(second, context, 5 * S, "base");
        process(second, context, 80 * S, "base");

        // Then the 5 s request is the third in [0, 60 s) (2 stored + 1); at 80 s, t1 is due (4 + 70 = 74 s <= 80 s) and
        // closes first into [60 s, 120 s) as one task of 2 requests stamped 74 s, then the 80 s request joins it there:
        // 2 tasks, 3 requests
        assertThat(engineRevisions(context)).containsExactly(
                tuple(0L, 3L, 3L, 5L),
                tuple(60L, 1L, 2L, 74L),
                tuple(60L, 2L, 3L, 80L));
    }

    @Test
    void aReinitializedProcessorReadsTheStoresAsRestoredNotWhatItHeldBefore() {
        // Given a processor that put three requests in window [0, 60 s) of uc/base
        MockProcessorContext<String, VariantWindow> context = contextWithStores();
        FoldAndWindow<String> processor = processor(Duration.ofMillis(100));
        processor.init(context);
        for (long t : new long[] {1 * S, 2 * S, 3 * S}) {
            process(processor, context, t, "base");
        }
        // and a store restored to before that window existed (as when Kafka Streams revives a corrupted task: the
        // same processor is initialized again on stores restored from the changelog)
        TimestampedWindowStore<VariantKey, VariantStats> windows = context.getStateStore(StoreNames.VARIANT_WINDOWS);
        windows.put(new VariantKey("uc", "base"), null, 0);
        context.resetForwards();

        // When it is initialized again and gets one more request in that window
        processor.init(context);
        process(processor, context, 4 * S, "base");

        // Then the window holds that request alone, as the store says, not 3 + 1
        assertThat(engineRevisions(context)).containsExactly(tuple(0L, 1L, 1L, 4L));
    }

    @Test
    void aReinitializedProcessorClosesOnlyTheTasksTheRestoredIndexHolds() {
        // Given a processor (task gap 60 s, grace 10 s) with task t1 open (requests at 3 s and 4 s: due at 74 s)
        MockProcessorContext<String, VariantWindow> context = contextWithStores();
        FoldAndWindow<String> processor = processor(Duration.ofMillis(100));
        processor.init(context);
        process(processor, context, 3 * S, "base", "t1");
        process(processor, context, 4 * S, "base", "t1");
        // and a close index restored to before t1 was indexed (the task store still holds t1)
        KeyValueStore<String, TaskKey> index = context.getStateStore(StoreNames.TASK_CLOSE_INDEX);
        try (var all = index.all()) {
            all.forEachRemaining(kv -> index.delete(kv.key));
        }
        context.resetForwards();

        // When it is initialized again and stream time passes 74 s
        processor.init(context);
        process(processor, context, 80 * S, "base");

        // Then only the 80 s request is counted: nothing in the restored index named t1
        assertThat(engineRevisions(context)).containsExactly(tuple(60L, 1L, 1L, 80L));
    }

    @Test
    void aTaskClosingIntoAWindowPastItsGraceReadsTheStoreNotTheCopy() {
        // Given a short task gap (5 s, grace 1 s): requests at 40 s and 41 s in window [0, 60 s), task t1 at 50 s
        // (due at 56 s); the copies of closed windows were last swept at 40 s, so the next sweep is at 100 s
        MockProcessorContext<String, VariantWindow> context = contextWithStores();
        FoldAndWindow<String> processor = processor(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(1));
        processor.init(context);
        process(processor, context, 40 * S, "base");
        process(processor, context, 41 * S, "base");
        process(processor, context, 50 * S, "base", "t1");
        // and the store expired [0, 60 s) (a retention of window + grace, 90 s, allows it once stream time is there)
        TimestampedWindowStore<VariantKey, VariantStats> windows = context.getStateStore(StoreNames.VARIANT_WINDOWS);
        windows.put(new VariantKey("uc", "base"), null, 0);
        context.resetForwards();

        // When a request at 95 s closes t1 at 56 s, into [0, 60 s), closed since 90 s
        process(processor, context, 95 * S, "base");

        // Then t1 is added to what the store holds (nothing), not to the 2 requests the copy held; then the 95 s
        // request opens [60 s, 120 s)
        assertThat(engineRevisions(context)).containsExactly(tuple(0L, 1L, 1L, 56L), tuple(60L, 1L, 1L, 95L));
    }

    @Test
    void copiesOfClosedWindowsLeaveAsStreamTimeMovesOn() {
        // Given requests in windows [0, 60 s) and [60 s, 120 s), at 10 s and 70 s
        MockProcessorContext<String, VariantWindow> context = contextWithStores();
        FoldAndWindow<String> processor = processor(Duration.ofMillis(100));
        processor.init(context);
        process(processor, context, 10 * S, "base");
        process(processor, context, 70 * S, "base");
        assertThat(processor.openWindowCopies()).isEqualTo(2);

        // When stream time reaches 131 s: [0, 60 s) closed at 90 s, and 131 s is a window (60 s) past the last sweep
        // at 70 s
        process(processor, context, 131 * S, "base");

        // Then its copy is gone; [60 s, 120 s) (open until 150 s) and [120 s, 180 s) stay
        assertThat(processor.openWindowCopies()).isEqualTo(2);
        assertThat(engineRevisions(context)).last().isEqualTo(tuple(120L, 1L, 1L, 131L));
    }

    @Test
    void anIndexKeyNamesItsTaskWhateverItsNamesHoldAndSortsAsRocksDbDoes() {
        TaskKey odd = new TaskKey("use/case:12", "model:/3", "task 7/8:9");
        assertThat(FoldAndWindow.taskKeyOf(FoldAndWindow.indexKey(74_000, odd))).isEqualTo(odd);
        // U+E000 sorts before U+1F600 (a surrogate pair) by code point, as in UTF-8; String.compareTo says otherwise
        String privateUse = "\uE000";
        String emoji = "\uD83D\uDE00";
        assertThat(privateUse.compareTo(emoji)).isPositive();
        assertThat(FoldAndWindow.compareCodePoints(privateUse, emoji)).isNegative();
        assertThat(FoldAndWindow.compareCodePoints("a", "ab")).isNegative();
        assertThat(FoldAndWindow.compareCodePoints("b", "ab")).isPositive();
    }

    /** A context holding the stores of one task, as the topology builds them but in memory. */
    private static MockProcessorContext<String, VariantWindow> contextWithStores() {
        MockProcessorContext<String, VariantWindow> context = new MockProcessorContext<>();
        // (a mock context names every store's changelog "changelog": one subject per side for all their schemas)
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        registry.setCompatibility("changelog-key", CompatibilityLevel.NONE);
        registry.setCompatibility("changelog-value", CompatibilityLevel.NONE);
        Topics topics = Topics.from(OfflineConfig.of(), registry);
        for (StoreBuilder<?> builder : List.<StoreBuilder<?>>of(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.OPEN_TASKS), topics.taskKeySerde(),
                        topics.taskOutcomeSerde()),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.TASK_CLOSE_INDEX), Serdes.String(),
                        topics.taskKeySerde()),
                Stores.timestampedWindowStoreBuilder(Stores.inMemoryWindowStore(StoreNames.VARIANT_WINDOWS,
                        Duration.ofDays(1), Duration.ofMinutes(1), false), topics.variantKeySerde(),
                        topics.variantStatsSerde()),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.VARIANT_PENDING), Serdes.String(),
                        Serdes.Long()))) {
            var store = builder.withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }

        return context;
    }

    private static FoldAndWindow<String> processor(Duration publishInterval) {
        return processor(publishInterval, Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    private static FoldAndWindow<String> processor(Duration publishInterval, Duration taskGap, Duration taskGrace) {
        return new FoldAndWindow<>(taskGap, taskGrace, Duration.ofMinutes(1), Duration.ofSeconds(30), publishInterval,
                ENGINE, SINK);
    }

    private static void process(FoldAndWindow<String> processor, MockProcessorContext<String, VariantWindow> context,
                                long time, String model) {
        process(processor, context, time, model, null);
    }

    private static void process(FoldAndWindow<String> processor, MockProcessorContext<String, VariantWindow> context,
                                long time, String model, String taskId) {
        context.setCurrentStreamTimeMs(time);
        TaskOutcome request = TaskOutcome.newBuilder().setUseCase("uc").setModelId(model).setRequests(1)
                .setTaskId(taskId).setSuccess(true).setInputTokens(100).setOutputTokens(10)
                .setFirstEventTime(Instant.ofEpochMilli(time)).setLastEventTime(Instant.ofEpochMilli(time)).build();
        processor.process(new Record<>("uc", request, time));
    }

    /** The windows forwarded to the engine, as (window start in s, tasks, requests, stamp in s). */
    private static List<Tuple> engineRevisions(MockProcessorContext<String, VariantWindow> context) {
        return context.forwarded(ENGINE).stream().map(f -> {
            VariantWindow w = (VariantWindow) f.record().value();
            return tuple(w.getWindowStart().toEpochMilli() / S, w.getTasks(),
                    w.getRequests(), f.record().timestamp() / S);
        }).toList();
    }
}
