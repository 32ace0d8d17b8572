package io.carbonllm.payback.streams.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.OfflineConfig;
import io.carbonllm.payback.streams.state.StoreNames;
import io.carbonllm.payback.streams.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Windows revised but not yet published to {@code variant-windows} when an instance stops are kept in
 * {@code variant-pending-store}; the next run publishes them before any later revision, whatever its interval.
 */
class FoldAndWindowPublishTest {

    private static final String ENGINE = "engine";
    private static final String SINK = "sink";
    private static final long S = 1_000;

    @Test
    void windowsKeptFromARunWithAnIntervalArePublishedFirstByARunWithoutOne() {
        // Given the stores of one task, shared by two runs of the processor (as after a restart)
        MockProcessorContext<String, VariantWindow> context = new MockProcessorContext<>();
        Topics topics = Topics.from(OfflineConfig.of(), new InMemorySchemaRegistryClient());
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
                .containsExactly(org.assertj.core.groups.Tuple.tuple("base", 3L),
                        org.assertj.core.groups.Tuple.tuple("ft", 1L));
        assertThat(context.forwarded(SINK).get(0).record().timestamp()).isEqualTo(3 * S);
        // and nothing is left waiting in the store
        KeyValueStore<String, Long> pending = context.getStateStore(StoreNames.VARIANT_PENDING);
        try (var all = pending.all()) {
            assertThat(all.hasNext()).isFalse();
        }
    }

    private static FoldAndWindow<String> processor(Duration publishInterval) {
        return new FoldAndWindow<>(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofSeconds(30), publishInterval, ENGINE, SINK);
    }

    private static void process(FoldAndWindow<String> processor, MockProcessorContext<String, VariantWindow> context,
                                long time, String model) {
        context.setCurrentStreamTimeMs(time);
        TaskOutcome request = TaskOutcome.newBuilder().setUseCase("uc").setModelId(model).setRequests(1)
                .setSuccess(true).setInputTokens(100).setOutputTokens(10).setFirstEventTime(Instant.ofEpochMilli(time))
                .setLastEventTime(Instant.ofEpochMilli(time)).build();
        processor.process(new Record<>("uc", request, time));
    }
}
