package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.streams.alerts.AlertWebhookConfig;
import io.carbonllm.payback.streams.alerts.AlertWebhookSink;
import io.carbonllm.payback.streams.alerts.WebhookReceiver;
import io.carbonllm.payback.streams.api.ApiClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.metrics.PrometheusText;
import io.carbonllm.payback.streams.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics and the alert webhook on the real broker and registry: the app's own scrape (local stores read through
 * interactive queries, Kafka Streams' client metrics) and a NOT_SAVING alert the engine fires reaching a webhook; and
 * the webhook sink killed with SIGKILL before it committed a delivery, whose successor posts it again with the same
 * idempotency key.
 */
class MetricsAndAlertsIT {

    /** Event time near now: the broker deletes records stamped further back than the topics' 7-day retention. */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));

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
     * As in {@code PrometheusScrapeTest}: Google (PUE 1.09) in eu-north-1; the baseline's requests cost 1.09 Wh, the
     * candidate's 1.308 Wh, so each window of 10 tasks saves 10 x (1.09 - 1.308) = -2.18 Wh; three windows -6.54 Wh of
     * a 20 Wh footprint (run of 0.02 kWh): ratio -0.327, NOT_SAVING, and the alert fires when the third window closes
     * (its end T0 + 180 s + 30 s grace, passed by the tick at T0 + 215 s).
     */
    @Test
    void theAppsScrapeShowsItsLedgersAndKafkaStreamsAndItsAlertReachesTheWebhook() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(request -> 200)) {
            Map<String, Object> app = new HashMap<>();
            app.put(PaybackStreamsConfig.APPLICATION_ID_CONFIG, "metrics-it");
            app.put(PaybackStreamsConfig.LEDGER_REFRESH_MS_CONFIG, 1_000L);
            app.put(AlertWebhookConfig.URL_CONFIG, receiver.url().toString());
            Map<String, Object> config = stack.appConfig(app);
            stack.createTopics(config);
            publish(config);

            try (PaybackStreamsRunner runner = new PaybackStreamsRunner(config).start()) {
                assertThat(runner.awaitRunning(Duration.ofMinutes(1))).isTrue();
                sendTraffic();

                // Then GET /metrics, over HTTP from the runner's API as Prometheus scrapes it, shows the ledger as the
                // engine last published it
                ApiClient http = new ApiClient(runner.api().baseUrl());
                String[] ledger = {"comparison", "cmp-m", "candidate", "costly"};
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() ->
                        PrometheusText.parse(http.get("/metrics").body())
                                .find("payback_alert_firing", "candidate", "costly", "rule", "NOT_SAVING").stream()
                                .anyMatch(s -> s.value() == 1.0));
                ApiClient.Response response = http.get("/metrics");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("Content-Type")).startsWith("text/plain; version=0.0.4");
                String scraped = response.body();
                Files.createDirectories(Path.of("target", "scrapes"));
                Files.writeString(Path.of("target", "scrapes", "metrics-it.txt"), scraped);
                PrometheusText text = PrometheusText.parse(scraped);
                assertThat(text.value("payback_saved_kwh", ledger)).isCloseTo(-0.00654, within(1e-12));
                assertThat(text.value("payback_footprint_kwh", ledger)).isCloseTo(0.020, within(1e-12));
                assertThat(text.value("payback_ratio", "candidate", "costly", "basis", "ENERGY"))
                        .isCloseTo(-0.327, within(1e-9));
                assertThat(text.value("payback_status", "candidate", "costly", "status", "NOT_SAVING")).isEqualTo(1.0);
                assertThat(text.value("payback_firing_alerts", ledger)).isEqualTo(1.0);
                assertThat(text.value("payback_ledgers")).isEqualTo(1.0);
                // and Kafka Streams' client metrics, with the application's tag
                assertThat(text.names()).anyMatch(n -> n.startsWith("kafka_stream_thread_"));
                assertThat(text.value("kafka_stream_alive_stream_threads", "application", "metrics-it")).isEqualTo(1.0);
                // the client's state as an ordinal: 2 is RUNNING
                assertThat(text.value("kafka_stream_client_state", "application_id", "metrics-it"))
                        .isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING.ordinal());

                // And the webhook got the FIRING transition once, keyed by the alert (fired at window 2's end)
                String key = "cmp-m/costly/NOT_SAVING/" + T0.plusSeconds(180).toEpochMilli() + "/FIRING";
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.count() >= 1);
                Thread.sleep(1_000);
                assertThat(receiver.received()).extracting(WebhookReceiver.Received::idempotencyKey)
                        .containsExactly(key);
                assertThat(runner.prometheusMetrics().registry().find(AlertWebhookSink.DELIVERIES)
                        .tag("outcome", "delivered").counter().count()).isEqualTo(1.0);
            }
        }
    }

    @Test
    void aSinkKilledBeforeItCommittedIsFollowedByOneThatPostsTheSameTransitionWithTheSameKey() throws Exception {
        // Given a receiver that holds the first request in flight, and two transitions of one alert on one partition
        CountDownLatch firstArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (WebhookReceiver receiver = new WebhookReceiver(request -> {
            if (firstArrived.getCount() > 0) {
                firstArrived.countDown();
                awaitQuietly(release);
            }
            return 200;
        })) {
            Map<String, Object> app = new HashMap<>();
            app.put(PaybackStreamsConfig.APPLICATION_ID_CONFIG, "restart-sink");
            app.put(PaybackStreamsConfig.PAYBACK_ALERTS_TOPIC_CONFIG, "restart-alerts");
            app.put(AlertWebhookConfig.URL_CONFIG, receiver.url().toString());
            app.put(AlertWebhookConfig.BACKOFF_INITIAL_MS_CONFIG, 200L);
            Map<String, Object> config = stack.appConfig(app);
            String group = "restart-sink-alert-webhook";
            TopicPartition tp = new TopicPartition("restart-alerts", 0);
            try (Admin admin = admin()) {
                admin.createTopics(List.of(new NewTopic("restart-alerts", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            PaybackAlert firing = alert("FIRING");
            PaybackAlert resolved = alert("RESOLVED");
            produce("restart-alerts", firing, resolved);

            // When the sink, in a JVM of its own, is killed (SIGKILL) while its first post is in flight
            Process child = startChild(config);
            try {
                assertThat(firstArrived.await(60, TimeUnit.SECONDS)).as(tail()).isTrue();
                child.destroyForcibly().waitFor();
            } finally {
                child.destroyForcibly();
                release.countDown();
            }
            // Then nothing past the start was committed: the transition is still to be delivered
            assertThat(committed(group, tp)).isEqualTo(0L);

            // When another sink of the same group starts (once the killed member's 6 s session has expired)
            AlertWebhookSink next = sink(config);
            try {
                await().atMost(Duration.ofMinutes(1)).until(() -> Long.valueOf(2).equals(committed(group, tp)));
            } finally {
                next.close();
            }

            // Then it posted the same FIRING again, with the same key and body, then the RESOLVED
            List<WebhookReceiver.Received> got = receiver.received();
            String firingKey = "cmp-r/ft/NOT_SAVING/" + T0.plusSeconds(180).toEpochMilli() + "/FIRING";
            String resolvedKey = "cmp-r/ft/NOT_SAVING/" + T0.plusSeconds(180).toEpochMilli() + "/RESOLVED";
            assertThat(got).extracting(WebhookReceiver.Received::idempotencyKey)
                    .containsExactly(firingKey, firingKey, resolvedKey);
            assertThat(got.get(1).body()).isEqualTo(got.get(0).body());

            // And a sink started after that commit posts nothing again
            AlertWebhookSink again = sink(config);
            try (Admin admin = admin()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                            .get(10, TimeUnit.SECONDS).get(group);
                    return d.groupState() == GroupState.STABLE && d.members().size() == 1;
                });
                Thread.sleep(1_500);
            } finally {
                again.close();
            }
            assertThat(receiver.count()).isEqualTo(3);
        }
    }

    private static PaybackAlert alert(String state) {
        Instant fired = T0.plusSeconds(180);
        return PaybackAlert.newBuilder().setComparisonId("cmp-r").setCandidateId("ft").setRule("NOT_SAVING")
                .setState(state).setFiredAt(fired).setResolvedAt(state.equals("RESOLVED") ? fired.plusSeconds(120) : null)
                .setWindowStart(fired.minusSeconds(60)).setMessage("ft: not saving").build();
    }

    private static AlertWebhookSink sink(Map<String, Object> config) {
        PaybackStreamsConfig typed = new PaybackStreamsConfig(config);
        Topics topics = Topics.from(typed, new HttpSchemaRegistryClient(typed.schemaRegistryUrl()));
        return AlertWebhookSink.create(typed.alertWebhook(), typed.originals(), typed.paybackAlertsTopic(),
                topics.paybackAlerts().valueSerde().deserializer(), new SimpleMeterRegistry()).start();
    }

    private static Process startChild(Map<String, Object> config) throws IOException {
        Path work = dir.resolve("sink-child");
        Files.createDirectories(work);
        Properties props = new Properties();
        config.forEach((k, v) -> props.put(k, String.valueOf(v)));
        Path file = work.resolve("sink.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "alert webhook sink under test");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                AlertWebhookChild.class.getName(), file.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("sink.log").toFile()).start();
    }

    private static String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("sink-child").resolve("sink.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no child log: " + e.getMessage() + ")";
        }
    }

    private static Long committed(String group, TopicPartition tp) throws Exception {
        try (Admin admin = admin()) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(tp);
            return offset == null ? null : offset.offset();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.broker.bootstrapServers()));
    }

    private static void produce(String topic, PaybackAlert... alerts) throws Exception {
        try (KafkaProducer<String, PaybackAlert> producer = new KafkaProducer<>(producerProps(), new StringSerializer(),
                new AvroSerializer<>(new HttpSchemaRegistryClient(stack.registry.confluentApiUrl()), false))) {
            for (PaybackAlert alert : alerts) {
                producer.send(new ProducerRecord<>(topic, 0, "cmp-r/ft/NOT_SAVING", alert)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The comparison (baseline big-model, candidate costly on costly-model) and the candidate's 0.02 kWh run. */
    private static void publish(Map<String, Object> config) throws Exception {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(stack.registry.confluentApiUrl());
        try (KafkaProducer<String, ComparisonDefinition> comparisons = new KafkaProducer<>(producerProps(),
                new StringSerializer(), new AvroSerializer<>(client, false));
             KafkaProducer<String, TrainingRun> runs = new KafkaProducer<>(producerProps(), new StringSerializer(),
                     new AvroSerializer<>(client, false))) {
            comparisons.send(new ProducerRecord<>("comparisons", "cmp-m", ComparisonDefinition.newBuilder()
                    .setComparisonId("cmp-m").setUseCase("metrics-uc").setBaselineModel("big-model")
                    .setCandidates(List.of(CandidateDefinition.newBuilder().setCandidateId("costly")
                            .setModelId("costly-model").setRunIds(List.of("run-m")).build()))
                    .setMinBaselineTasks(2).setFireAfterWindows(3).setResolveAfterWindows(2).build()))
                    .get(30, TimeUnit.SECONDS);
            runs.send(new ProducerRecord<>("training-runs", "run-m", TrainingRun.newBuilder().setRunId("run-m")
                    .setMeteredKwh(0.02).setRegion("eu-north-1").setStartedAt(T0.minus(Duration.ofDays(1))).build()))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Windows 0 to 2: 10 baseline requests (1.0 Wh metered) and 10 candidate ones (1.2 Wh); then a tick at 215 s. */
    private static void sendTraffic() throws Exception {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(stack.registry.confluentApiUrl());
        int seq = 0;
        try (KafkaProducer<String, InferenceEvent> producer = new KafkaProducer<>(producerProps(),
                new StringSerializer(), new AvroSerializer<>(client, false))) {
            for (int w = 0; w < 3; w++) {
                for (String model : List.of("big-model", "costly-model")) {
                    for (int i = 0; i < 10; i++) {
                        producer.send(new ProducerRecord<>("inference-events", "metrics-uc", event("m" + (++seq),
                                T0.plusSeconds(60L * w + 1 + i), model, model.equals("big-model") ? 1.0 : 1.2)));
                    }
                }
            }
            producer.send(new ProducerRecord<>("inference-events", "metrics-uc",
                    event("tick", T0.plusSeconds(215), "unrelated", null))).get(30, TimeUnit.SECONDS);
        }
    }

    private static InferenceEvent event(String id, Instant at, String model, Double meteredWh) {
        return InferenceEvent.newBuilder().setEventId(id).setEventTime(at).setGateway("it").setUseCase("metrics-uc")
                .setModelId(model).setProvider("google").setRegion("eu-north-1").setInputTokens(100)
                .setOutputTokens(10).setSuccess(true).setMeteredEnergyWh(meteredWh).build();
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker.bootstrapServers());
        return props;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
