package io.carbonllm.payback.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.localstack.ApicurioRegistry;
import io.carbonllm.payback.localstack.EmbeddedKafkaBroker;
import io.carbonllm.payback.localstack.Ports;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.sdk.PaybackTracker;
import io.carbonllm.payback.streams.PaybackStreamsRunner;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.state.StoreNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a restart, on the real broker and registry: an app stopped halfway and started again ends
 * with the same ledger and the same open alerts as an app that ran through, and re-fires nothing.
 *
 * <p>The story (60 s windows from 2026-01-01, metered requests on Google, PUE 1.09): windows 0-1 the fine-tune saves
 * (0.5 Wh against the baseline's 1.0 Wh metered); windows 2-4 it drifts (1.2 Wh, half the tasks fail); window 5 it
 * is good again. NOT_SAVING fires at window 4, the third bad window. The restarted app stops after window 2.
 */
class PaybackRestartIT {

    /**
     * Two hours before the test, on the hour. Not a fixed date: output records carry event time, and the broker's
     * time-based retention (7 days by default, checked 30 s after it starts) deletes records stamped further back,
     * even from the active segment, before the test could read them.
     */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
    private static final String UC = "restart-uc";
    private static final String LEDGER = "cmp-r/ft";

    @TempDir
    static Path dataDir;
    private static EmbeddedKafkaBroker broker;
    private static ApicurioRegistry registry;
    private static final List<PaybackStreamsRunner> runners = new ArrayList<>();
    private static int seq;

    @BeforeAll
    static void startStack() {
        broker = new EmbeddedKafkaBroker(Ports.findFree(), Ports.findFree(), dataDir.resolve("kafka")).start();
        registry = ApicurioRegistry.inMemory(Ports.findFree(), dataDir.resolve("registry")).start();
    }

    @AfterAll
    static void stopStack() {
        runners.forEach(PaybackStreamsRunner::close);
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static PaybackStreamsRunner start(String appId) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.confluentApiUrl());
        props.put(PaybackStreamsConfig.APPLICATION_ID_CONFIG, appId);
        props.put(PaybackStreamsConfig.DATA_DIR_CONFIG, dataDir.resolve(appId).toString());
        props.put(PaybackStreamsConfig.TOPIC_PARTITIONS_CONFIG, 2);
        props.put(io.carbonllm.payback.streams.config.ApiConfig.PORT_CONFIG, 0);
        props.put(PaybackStreamsConfig.VARIANT_WINDOWS_TOPIC_CONFIG, appId + "-variant-windows");
        props.put(PaybackStreamsConfig.COMPARISON_WINDOWS_TOPIC_CONFIG, appId + "-comparison-windows");
        props.put(PaybackStreamsConfig.PAYBACK_STATUS_TOPIC_CONFIG, appId + "-payback-status");
        props.put(PaybackStreamsConfig.PAYBACK_ALERTS_TOPIC_CONFIG, appId + "-payback-alerts");
        PaybackStreamsRunner runner = new PaybackStreamsRunner(new PaybackStreamsConfig(props)).start();
        runners.add(runner);
        assertThat(runner.awaitRunning(Duration.ofSeconds(120))).as(appId + " RUNNING").isTrue();
        return runner;
    }

    @Test
    void aRestartedAppHasTheSameLedgerAndOpenAlertsAsAnUninterruptedOne() throws Exception {
        // Given the comparison, the fine-tune's run (1 kWh: far from paid back) and windows 0-2
        PaybackStreamsRunner restarted = start("restart-b");   // creates the topics
        publishDefinitions();
        publishWindows(0, 3);
        // windows 0-1: 10 + 10 candidate successes, window 2: 5
        await().atMost(90, TimeUnit.SECONDS).until(() -> successfulTasks(restarted) >= 25);

        // When it stops, windows 3-5 arrive while it is down, then a request at T0 + 395 s that closes them all
        // (window 5 closes at its end + 30 s grace = 390 s), and it starts again on the same state directory
        restarted.close();
        runners.remove(restarted);
        publishWindows(3, 6);
        publishTick(395);
        PaybackStreamsRunner again = start("restart-b");
        // all six windows closed (the ledger refresh closes them as stream time has moved on)
        await().atMost(90, TimeUnit.SECONDS).until(() -> closedWindows(again) >= 6);

        // And an uninterrupted app reads the same input from the start
        PaybackStreamsRunner uninterrupted = start("restart-a");
        await().atMost(90, TimeUnit.SECONDS).until(() -> closedWindows(uninterrupted) >= 6);

        // Then both ledgers agree. By hand: windows 0, 1 and 5 save 1.09 x 10 - 0.545 x 10 = 5.45 Wh each;
        // windows 2-4 save 1.09 x 5 successful tasks - 1.308 x 10 requests = -7.63 Wh each;
        // cumulative = 3 x 5.45 - 3 x 7.63 = -6.54 Wh over 3 x 10 + 3 x 5 = 45 successful tasks
        LedgerState a = ledger(uninterrupted);
        LedgerState b = ledger(again);
        assertThat(a.getClosedSavingWh()).isCloseTo(-6.54, within(1e-9));
        assertThat(b.getClosedSavingWh()).isCloseTo(a.getClosedSavingWh(), within(1e-9));
        assertThat(b.getClosedSavingGCo2eLocation()).isCloseTo(a.getClosedSavingGCo2eLocation(), within(1e-9));
        assertThat(b.getClosedSuccessfulTasks()).isEqualTo(a.getClosedSuccessfulTasks()).isEqualTo(45);
        assertThat(b.getClosedWindows()).isEqualTo(a.getClosedWindows()).isEqualTo(6);
        assertThat(b.getOpenWindows()).isEmpty();
        assertThat(b.getLastStatus()).isEqualTo(a.getLastStatus());

        // And the same alerts are open: NOT_SAVING, which has not resolved (one good window of two)
        assertThat(openAlerts(again)).isEqualTo(openAlerts(uninterrupted)).containsExactly(LEDGER + "/NOT_SAVING");
        // And the restarted app published it once: nothing re-fired on restart
        // (its store may hold the alert before the transaction that publishes it commits: wait for the commit)
        List<PaybackAlert> published = await().atMost(60, TimeUnit.SECONDS)
                .until(() -> alerts("restart-b-payback-alerts"), list -> !list.isEmpty());
        assertThat(published).extracting(PaybackAlert::getRule, PaybackAlert::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("NOT_SAVING", "FIRING"));
        assertThat(published.get(0).getWindowStart()).isEqualTo(T0.plusSeconds(240));
    }

    private static void publishDefinitions() throws Exception {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(registry.confluentApiUrl());
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, ComparisonDefinition> comparisons = new KafkaProducer<>(props, new StringSerializer(),
                new AvroSerializer<>(client, false));
             KafkaProducer<String, TrainingRun> runs = new KafkaProducer<>(props, new StringSerializer(),
                     new AvroSerializer<>(client, false))) {
            comparisons.send(new ProducerRecord<>("comparisons", "cmp-r", ComparisonDefinition.newBuilder()
                    .setComparisonId("cmp-r").setUseCase(UC).setBaselineModel("big")
                    .setCandidates(List.of(CandidateDefinition.newBuilder().setCandidateId("ft").setModelId("small")
                            .setRunIds(List.of("run-r")).build()))
                    .setMinBaselineTasks(2).setFireAfterWindows(3).setResolveAfterWindows(2).build())).get(30, TimeUnit.SECONDS);
            runs.send(new ProducerRecord<>("training-runs", "run-r", TrainingRun.newBuilder().setRunId("run-r")
                    .setMeteredKwh(1.0).setRegion("eu-north-1").setStartedAt(Instant.parse("2025-12-01T00:00:00Z"))
                    .build())).get(30, TimeUnit.SECONDS);
        }
    }

    /** Windows [from, to): 10 baseline and 10 candidate requests each; windows 2-4 drift. */
    private static void publishWindows(int from, int to) throws Exception {
        try (PaybackTracker publisher = PaybackTracker.builder().bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.confluentApiUrl()).build()) {
            for (int w = from; w < to; w++) {
                boolean drift = w >= 2 && w <= 4;
                for (int i = 0; i < 10; i++) {
                    publisher.record(event("big", w, i, true, 1.0));
                    publisher.record(event("small", w, i, !drift || i < 5, drift ? 1.2 : 0.5));
                }
            }
        }
    }

    /** One request of an unrelated model at T0 + {@code seconds}: it moves stream time, nothing else. */
    private static void publishTick(int seconds) throws Exception {
        try (PaybackTracker publisher = PaybackTracker.builder().bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.confluentApiUrl()).build()) {
            publisher.record(InferenceEvent.newBuilder().setEventId("rs-" + (++seq)).setEventTime(T0.plusSeconds(seconds))
                    .setGateway("it").setUseCase(UC).setModelId("unrelated").setInputTokens(1).setOutputTokens(1)
                    .setSuccess(true).build());
        }
    }

    private static InferenceEvent event(String model, int window, int i, boolean success, double wh) {
        return InferenceEvent.newBuilder().setEventId("rs-" + (++seq)).setEventTime(T0.plusSeconds(60L * window + 1 + i))
                .setGateway("it").setUseCase(UC).setModelId(model).setProvider("google").setRegion("eu-north-1")
                .setInputTokens(100).setOutputTokens(10).setSuccess(success).setMeteredEnergyWh(wh).build();
    }

    private static ReadOnlyKeyValueStore<String, LedgerState> ledgerStore(PaybackStreamsRunner runner) {
        return runner.streams().store(StoreQueryParameters.fromNameAndType(StoreNames.PAYBACK_LEDGER,
                QueryableStoreTypes.<String, LedgerState>keyValueStore()));
    }

    /** The candidate's successful tasks in the ledger, open windows included: a window is in once all its tasks are. */
    private static long successfulTasks(PaybackStreamsRunner runner) {
        try {
            LedgerState state = ledgerStore(runner).get(LEDGER);
            return state == null ? 0 : state.getClosedSuccessfulTasks() + state.getOpenWindows().values().stream()
                    .mapToLong(w -> w.getSuccessfulTasks()).sum();
        } catch (RuntimeException notQueryableYet) {
            return 0;
        }
    }

    private static long closedWindows(PaybackStreamsRunner runner) {
        try {
            LedgerState state = ledgerStore(runner).get(LEDGER);
            return state == null ? 0 : state.getClosedWindows();
        } catch (RuntimeException notQueryableYet) {
            return 0;
        }
    }

    private static LedgerState ledger(PaybackStreamsRunner runner) {
        return ledgerStore(runner).get(LEDGER);
    }

    private static List<String> openAlerts(PaybackStreamsRunner runner) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, PaybackAlert> all = runner.streams().store(StoreQueryParameters.fromNameAndType(
                StoreNames.OPEN_ALERTS, QueryableStoreTypes.<String, PaybackAlert>keyValueStore())).all()) {
            all.forEachRemaining((KeyValue<String, PaybackAlert> kv) -> keys.add(kv.key));
        }
        return keys;
    }

    /**
     * Every committed transition on {@code topic}, read from the beginning of every partition up to its end as it is
     * now. Assigned, not subscribed: no consumer group to join, so nothing to wait for but the app's commit.
     */
    private static List<PaybackAlert> alerts(String topic) {
        AvroDeserializer<PaybackAlert> deserializer = new AvroDeserializer<>(
                new HttpSchemaRegistryClient(registry.confluentApiUrl()), PaybackAlert.class);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<PaybackAlert> alerts = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed: the end offsets are the last stable offsets, past every committed transaction
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> alerts.add(deserializer.deserialize(topic, r.value())));
            }
        }
        return alerts;
    }
}
