package io.carbonllm.payback.streams.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.schemas.registry.SchemaRegistryException;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.metrics.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook sink against a real HTTP receiver on loopback that fails the first attempts; the consumer side is
 * Kafka's MockConsumer, so commits can be read at any moment ({@code AlertWebhookRestartIT} does the restart on the
 * real broker).
 */
class AlertWebhookSinkTest {

    private static final String TOPIC = "payback-alerts";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Instant FIRED = Instant.parse("2026-01-01T00:03:00Z");
    private static final Instant RESOLVED = Instant.parse("2026-01-01T00:07:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PollingMock consumer = new PollingMock();
    private WebhookReceiver receiver;
    private AlertWebhookSink sink;

    /** MockConsumer returns at once from an empty poll; this one waits a little, as a real consumer would block. */
    static final class PollingMock extends MockConsumer<String, PaybackAlert> {
        PollingMock() {
            super("earliest");
        }

        @Override
        public synchronized ConsumerRecords<String, PaybackAlert> poll(Duration timeout) {
            ConsumerRecords<String, PaybackAlert> records = super.poll(timeout);
            if (records.isEmpty() && timeout.toMillis() > 0) {
                try {
                    wait(Math.min(timeout.toMillis(), 20));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }
    }

    @AfterEach
    void tearDown() {
        if (sink != null) {
            sink.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private AlertWebhookSink sink(Map<String, Object> webhookSettings, PaybackAlert... alerts) {
        return sink(webhookSettings, () -> { }, alerts);
    }

    /** {@code afterAssignment} runs in the first poll, once the partition is assigned and the records added. */
    private AlertWebhookSink sink(Map<String, Object> webhookSettings, Runnable afterAssignment,
                                  PaybackAlert... alerts) {
        Map<String, Object> props = new HashMap<>();
        props.put(PaybackStreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(PaybackStreamsConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://unused:8081");
        props.put(PaybackStreamsConfig.APPLICATION_ID_CONFIG, "sink-test");
        props.put(AlertWebhookConfig.URL_CONFIG, receiver.url().toString());
        props.putAll(webhookSettings);
        AlertWebhookConfig config = new PaybackStreamsConfig(props).alertWebhook();
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            for (int i = 0; i < alerts.length; i++) {
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, i, key(alerts[i]), alerts[i]));
            }
            afterAssignment.run();
        });
        sink = new AlertWebhookSink(config, consumer, TOPIC, registry).start();
        return sink;
    }

    private static PaybackAlert alert(String candidate, String state) {
        return PaybackAlert.newBuilder().setComparisonId("cmp-1").setCandidateId(candidate).setRule("NOT_SAVING")
                .setState(state).setFiredAt(FIRED).setResolvedAt(state.equals("RESOLVED") ? RESOLVED : null)
                .setWindowStart(FIRED.minusSeconds(60))
                .setMessage(candidate + ": the saving per successful task is zero or less (ENERGY)")
                .setFigures(Map.of("savingWh@2026-01-01T00:02:00Z", -2.18)).build();
    }

    private static String key(PaybackAlert alert) {
        return alert.getComparisonId() + "/" + alert.getCandidateId() + "/" + alert.getRule();
    }

    private Long committed() {
        OffsetAndMetadata offset = consumer.committed(Set.of(TP)).get(TP);
        return offset == null ? null : offset.offset();
    }

    private PrometheusText scrape() {
        return PrometheusText.parse(registry.scrape());
    }

    @Test
    void failedAttemptsAreRetriedWithDoublingBackoffAndTheSameIdempotencyKeyAndCommittedOnlyOnceDelivered()
            throws Exception {
        // Given a receiver that answers 503, 503, 500, then 200
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch secondFailureSeen = new CountDownLatch(1);
        CountDownLatch checked = new CountDownLatch(1);
        receiver = new WebhookReceiver(request -> {
            int n = calls.incrementAndGet();
            if (n == 2) {
                secondFailureSeen.countDown();
                awaitLatch(checked);
            }
            return n == 1 || n == 2 ? 503 : n == 3 ? 500 : 200;
        });

        // When one FIRING transition is read, with a first backoff of 200 ms (max 10 s)
        PaybackAlert firing = alert("ft", "FIRING");
        sink(Map.of(AlertWebhookConfig.BACKOFF_INITIAL_MS_CONFIG, 200, AlertWebhookConfig.BACKOFF_MAX_MS_CONFIG, 10_000),
                firing);

        // Then while it is failing the committed offset stays at the start, 0 (committed on assignment): a restart
        // would read the transition again (checked during the second attempt)
        assertThat(secondFailureSeen.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(committed()).isEqualTo(0L);
        } finally {
            checked.countDown();
        }

        // And the fourth attempt delivers it; only then is offset 0 committed (the next to read is 1)
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
        List<WebhookReceiver.Received> got = receiver.received();
        assertThat(got).hasSize(4);
        // the waits double: 200 ms after the first failure, 400 after the second, 800 after the third
        long[] gapsMs = {ms(got.get(1).nanos() - got.get(0).nanos()), ms(got.get(2).nanos() - got.get(1).nanos()),
                ms(got.get(3).nanos() - got.get(2).nanos())};
        assertThat(gapsMs[0]).isGreaterThanOrEqualTo(200);
        assertThat(gapsMs[1]).isGreaterThanOrEqualTo(400);
        assertThat(gapsMs[2]).isGreaterThanOrEqualTo(800);
        // every attempt carries the same key, in the header and the body: alert id (ids, rule, firedAt ms) + transition
        String expectedKey = "cmp-1/ft/NOT_SAVING/" + FIRED.toEpochMilli() + "/FIRING";
        assertThat(got).extracting(WebhookReceiver.Received::idempotencyKey).containsOnly(expectedKey);
        assertThat(got).extracting(r -> JSON.readTree(r.body()).get("idempotencyKey").asText())
                .containsOnly(expectedKey);
        assertThat(got.get(0).contentType()).isEqualTo("application/json");
        // And the failures are counted by reason, the delivery by outcome
        PrometheusText metrics = scrape();
        assertThat(metrics.value("payback_alert_webhook_failures_total", "reason", "http_5xx")).isEqualTo(3.0);
        assertThat(metrics.value("payback_alert_webhook_failures_total", "reason", "io")).isEqualTo(0.0);
        assertThat(metrics.value("payback_alert_webhook_deliveries_total", "outcome", "delivered")).isEqualTo(1.0);
        assertThat(metrics.value("payback_alert_webhook_pending")).isEqualTo(0.0);
    }

    @Test
    void theAlertmanagerPayloadHasTheWebhookShapeAndAResolvedNeverOvertakesItsFiring() throws Exception {
        // Given a receiver that refuses the first attempt, and a FIRING then a RESOLVED of one alert
        AtomicInteger calls = new AtomicInteger();
        receiver = new WebhookReceiver(request -> calls.incrementAndGet() == 1 ? 502 : 200);
        PaybackAlert firing = alert("ft", "FIRING");
        PaybackAlert resolved = alert("ft", "RESOLVED");

        // When the sink posts them in the alertmanager format, with a bearer token
        sink(Map.of(AlertWebhookConfig.FORMAT_CONFIG, "alertmanager", AlertWebhookConfig.BACKOFF_INITIAL_MS_CONFIG, 50,
                AlertWebhookConfig.BEARER_TOKEN_CONFIG, "s3cret"), firing, resolved);
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(2).equals(committed()));

        // Then FIRING (refused), FIRING, RESOLVED: the RESOLVED waited behind its FIRING
        List<WebhookReceiver.Received> got = receiver.received();
        assertThat(got).extracting(r -> JSON.readTree(r.body()).get("status").asText())
                .containsExactly("firing", "firing", "resolved");
        assertThat(got).extracting(WebhookReceiver.Received::authorization).containsOnly("Bearer s3cret");

        // And the firing payload is Alertmanager's version 4, with one alert
        JsonNode fired = JSON.readTree(got.get(1).body());
        assertThat(fired.get("version").asText()).isEqualTo("4");
        assertThat(fired.get("receiver").asText()).isEqualTo("sink-test");
        assertThat(fired.get("truncatedAlerts").asInt()).isZero();
        assertThat(fired.get("groupKey").asText()).contains("alertname=\"PaybackNotSaving\"");
        assertThat(fired.get("groupLabels").get("alertname").asText()).isEqualTo("PaybackNotSaving");
        assertThat(fired.get("commonLabels").get("comparison").asText()).isEqualTo("cmp-1");
        assertThat(fired.has("externalURL")).isTrue();
        assertThat(fired.get("alerts")).hasSize(1);
        JsonNode one = fired.get("alerts").get(0);
        assertThat(one.get("status").asText()).isEqualTo("firing");
        assertThat(one.get("labels").get("alertname").asText()).isEqualTo("PaybackNotSaving");
        assertThat(one.get("labels").get("rule").asText()).isEqualTo("NOT_SAVING");
        assertThat(one.get("labels").get("candidate").asText()).isEqualTo("ft");
        assertThat(one.get("labels").get("severity").asText()).isEqualTo("warning");
        assertThat(one.get("annotations").get("description").asText())
                .isEqualTo("ft: the saving per successful task is zero or less (ENERGY)");
        assertThat(one.get("startsAt").asText()).isEqualTo("2026-01-01T00:03:00Z");
        assertThat(one.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(one.get("generatorURL").isTextual()).isTrue();
        assertThat(one.get("fingerprint").asText()).matches("[0-9a-f]{16}");
        String firingKey = "cmp-1/ft/NOT_SAVING/" + FIRED.toEpochMilli() + "/FIRING";
        assertThat(fired.get("idempotencyKey").asText()).isEqualTo(firingKey);
        assertThat(one.get("annotations").get("idempotency_key").asText()).isEqualTo(firingKey);
        assertThat(got.get(1).idempotencyKey()).isEqualTo(firingKey);

        // And the resolved one ends when it resolved, with the same fingerprint (same labels) and its own key
        JsonNode gone = JSON.readTree(got.get(2).body()).get("alerts").get(0);
        assertThat(gone.get("status").asText()).isEqualTo("resolved");
        assertThat(gone.get("startsAt").asText()).isEqualTo("2026-01-01T00:03:00Z");
        assertThat(gone.get("endsAt").asText()).isEqualTo("2026-01-01T00:07:00Z");
        assertThat(gone.get("fingerprint").asText()).isEqualTo(one.get("fingerprint").asText());
        assertThat(got.get(2).idempotencyKey()).isEqualTo("cmp-1/ft/NOT_SAVING/" + FIRED.toEpochMilli() + "/RESOLVED");
    }

    @Test
    void theGenericPayloadIsTheTransitionWithItsIdsAndFigures() throws Exception {
        receiver = new WebhookReceiver(request -> 204);
        sink(Map.of(), alert("a/b", "FIRING"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));

        JsonNode body = JSON.readTree(receiver.received().get(0).body());
        // a '/' in an id is encoded in the key, so two alerts never share one
        String key = "cmp-1/a%2Fb/NOT_SAVING/" + FIRED.toEpochMilli() + "/FIRING";
        assertThat(receiver.received().get(0).idempotencyKey()).isEqualTo(key);
        assertThat(body.get("idempotencyKey").asText()).isEqualTo(key);
        assertThat(body.get("alertId").asText()).isEqualTo("cmp-1/a%2Fb/NOT_SAVING/" + FIRED.toEpochMilli());
        assertThat(body.get("application").asText()).isEqualTo("sink-test");
        assertThat(body.get("comparisonId").asText()).isEqualTo("cmp-1");
        assertThat(body.get("candidateId").asText()).isEqualTo("a/b");
        assertThat(body.get("rule").asText()).isEqualTo("NOT_SAVING");
        assertThat(body.get("state").asText()).isEqualTo("FIRING");
        assertThat(body.get("firedAt").asText()).isEqualTo("2026-01-01T00:03:00Z");
        assertThat(body.get("resolvedAt").isNull()).isTrue();
        assertThat(body.get("windowStart").asText()).isEqualTo("2026-01-01T00:02:00Z");
        assertThat(body.get("figures").get("savingWh@2026-01-01T00:02:00Z").asDouble()).isEqualTo(-2.18);
        assertThat(receiver.received().get(0).authorization()).isNull();
    }

    @Test
    void maxAttemptsGivesATransitionUpCountsItAndDeliversTheNext() throws Exception {
        // Given a receiver that always refuses candidate x's alert (400) and takes y's
        receiver = new WebhookReceiver(request -> request.idempotencyKey().contains("/x/") ? 400 : 200);

        // When the sink may try each twice
        sink(Map.of(AlertWebhookConfig.MAX_ATTEMPTS_CONFIG, 2, AlertWebhookConfig.BACKOFF_INITIAL_MS_CONFIG, 50),
                alert("x", "FIRING"), alert("y", "FIRING"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(2).equals(committed()));

        // Then x was tried twice and given up, y delivered, and both counted
        assertThat(receiver.received()).extracting(r -> r.idempotencyKey().split("/")[1])
                .containsExactly("x", "x", "y");
        PrometheusText metrics = scrape();
        assertThat(metrics.value("payback_alert_webhook_deliveries_total", "outcome", "abandoned")).isEqualTo(1.0);
        assertThat(metrics.value("payback_alert_webhook_deliveries_total", "outcome", "delivered")).isEqualTo(1.0);
        assertThat(metrics.value("payback_alert_webhook_failures_total", "reason", "http_4xx")).isEqualTo(2.0);
    }

    @Test
    void aReceiverThatIsDownCountsIoFailuresAndNothingIsCommitted() throws Exception {
        // Given a receiver that is gone (its port closed)
        receiver = new WebhookReceiver(request -> 200);
        receiver.close();

        // When the sink tries
        sink(Map.of(AlertWebhookConfig.BACKOFF_INITIAL_MS_CONFIG, 50, AlertWebhookConfig.BACKOFF_MAX_MS_CONFIG, 100),
                alert("ft", "FIRING"));

        // Then it keeps failing, counted as io, and commits nothing past the start: a restart would post it again
        await().atMost(Duration.ofSeconds(10)).until(
                () -> scrape().value("payback_alert_webhook_failures_total", "reason", "io") >= 3);
        assertThat(committed()).isEqualTo(0L);
        assertThat(scrape().value("payback_alert_webhook_pending")).isEqualTo(1.0);
        receiver = null;
    }

    @Test
    void anUnreadableRecordIsSkippedInItsTurnCountedAndCommittedPast() throws Exception {
        receiver = new WebhookReceiver(request -> 200);
        // When the sink reads offset 0, which is not a PaybackAlert (the consumer cannot deserialize it), then
        // offset 1, which is
        sink(Map.of(), () -> {
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, "k", alert("ft", "FIRING")));
            consumer.setPollException(unreadable("not a PaybackAlert", new IllegalArgumentException("unknown magic")));
        });

        // Then offset 0 is skipped, counted and committed past, and offset 1 delivered
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(2).equals(committed()));
        assertThat(receiver.received()).hasSize(1);
        assertThat(scrape().value("payback_alert_webhook_deliveries_total", "outcome", "unreadable")).isEqualTo(1.0);
        assertThat(scrape().value("payback_alert_webhook_deliveries_total", "outcome", "delivered")).isEqualTo(1.0);
    }

    @Test
    void aRecordUnreadableBecauseTheRegistryIsDownIsReadAgainNotSkipped() throws Exception {
        receiver = new WebhookReceiver(request -> 200);
        // When the first read of offset 0 fails because the registry is unavailable, and the registry is back after
        // the sink's backoff (50 ms)
        sink(Map.of(AlertWebhookConfig.BACKOFF_INITIAL_MS_CONFIG, 50), () -> consumer.setPollException(unreadable(
                "cannot fetch the schema", new SchemaRegistryException.Unavailable("registry down", "http://r", 503,
                        null))), alert("ft", "FIRING"));

        // Then offset 0 is delivered, not skipped
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(1).equals(committed()));
        assertThat(receiver.received()).hasSize(1);
        assertThat(scrape().value("payback_alert_webhook_deliveries_total", "outcome", "unreadable")).isEqualTo(0.0);
    }

    /** What the consumer throws for the value at offset 0 that its deserializer refused. */
    private static RecordDeserializationException unreadable(String message, Throwable cause) {
        return new RecordDeserializationException(RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
                TP, 0, 0, TimestampType.CREATE_TIME, null, ByteBuffer.wrap(new byte[] {1, 2, 3}), new RecordHeaders(),
                message, cause);
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
