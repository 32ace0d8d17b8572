package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroDeserializer;
import io.carbonllm.payback.streams.api.ApiClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API over real HTTP, against the app on the real broker and registry: every endpoint, the error shapes,
 * 400/404/409/413/503, auth off (instance "open") and on (instance "secured", mode all, a token per role).
 *
 * <p>The data, put through the API itself (PUT comparison, POST run) and then sent as events (see {@link ApiTraffic}
 * for the factors): two windows, each with 10 baseline requests metered at 1.0 Wh and 10 fine-tune requests.
 * <ul>
 *   <li>{@code cmp-api}: the fine-tune at 0.5 Wh. Saving per window = 10 x 1.09 - 10 x 0.545 = 5.45 Wh; two windows
 *       10.9 Wh. Its run is metered at 0.01 kWh (facility) = 10 Wh. Ratio 10.9 / 10 = 1.09: PAID_BACK.</li>
 *   <li>{@code cmp-bad}: the fine-tune at 1.2 Wh (1.308 Wh facility). Saving per window = 10.9 - 13.08 = -2.18 Wh;
 *       two windows -4.36 Wh; no run, so no ratio. NOT_SAVING, and its alert fires after one closed window.</li>
 * </ul>
 */
class ApiIT {

    private static final String READ = "reader-token-0123456789";
    private static final String WRITE = "writer-token-0123456789";
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));

    @TempDir
    static Path dir;
    private static RealStack stack;
    private static PaybackStreamsRunner open;
    private static ApiClient api;

    @BeforeAll
    static void startAndFill() throws Exception {
        stack = new RealStack(dir);
        Map<String, Object> config = stack.appConfig(Map.of(PaybackStreamsConfig.APPLICATION_ID_CONFIG, "api-open",
                PaybackStreamsConfig.LEDGER_REFRESH_MS_CONFIG, 1_000L, "payback.api.max.body.bytes", 65_536));
        stack.createTopics(config);
        open = new PaybackStreamsRunner(config).start();
        assertThat(open.awaitRunning(Duration.ofSeconds(60))).isTrue();
        api = new ApiClient(open.api().baseUrl());

        assertThat(api.put("/api/comparisons/cmp-api", comparison("uc-api", "run-ft")).status()).isEqualTo(202);
        assertThat(api.put("/api/comparisons/cmp-bad", comparison("uc-bad", null)).status()).isEqualTo(202);
        ApiClient.Response run = api.post("/api/training-runs", """
                {"runId": "run-ft", "meteredKwh": 0.01, "region": "eu-north-1", "startedAt": "2025-12-01T00:00:00Z"}""");
        assertThat(run.status()).as(run.toString()).isEqualTo(202);
        assertThat(run.json().get("topic").asText()).isEqualTo("training-runs");
        // The engine compares only the windows of comparisons it knows: wait for the global store to have both
        await().atMost(30, TimeUnit.SECONDS).until(() -> api.get("/api/comparisons/cmp-api").status() == 200
                && api.get("/api/comparisons/cmp-bad").status() == 200);

        ApiTraffic traffic = new ApiTraffic();
        for (int w = 0; w < 2; w++) {
            traffic.requests(T0, "uc-api", ApiTraffic.BASELINE, w, 10, 1.0).requests(T0, "uc-api", ApiTraffic.FINE_TUNE, w, 10, 0.5)
                    .requests(T0, "uc-bad", ApiTraffic.BASELINE, w, 10, 1.0).requests(T0, "uc-bad", ApiTraffic.FINE_TUNE, w, 10, 1.2);
        }
        // Stream time to t0 + 200 s: both windows close (window 1 at t0 + 120 + 30 s grace)
        traffic.tick(T0, "uc-api", 200).tick(T0, "uc-bad", 200).send(stack);
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode good = api.get("/api/comparisons/cmp-api").json();
            JsonNode bad = api.get("/api/comparisons/cmp-bad").json();
            return closedWindows(good) == 2 && closedWindows(bad) == 2 && good.at("/candidates/0/ledger/footprintTier").isTextual();
        });
    }

    private static long closedWindows(JsonNode detail) {
        JsonNode ledger = detail.at("/candidates/0/ledger");
        return ledger.isObject() && ledger.get("closedThrough").isTextual()
                && !Instant.parse(ledger.get("closedThrough").asText()).isBefore(T0.plusSeconds(120))
                ? ledger.get("windowsCounted").asLong() : -1;
    }

    private static String comparison(String useCase, String run) {
        return """
                {"useCase": "%s", "baselineModel": "%s",
                 "candidates": [{"candidateId": "ft", "modelId": "%s", "runIds": [%s]}],
                 "minBaselineTasks": 2, "fireAfterWindows": 1, "resolveAfterWindows": 1}"""
                .formatted(useCase, ApiTraffic.BASELINE, ApiTraffic.FINE_TUNE, run == null ? "" : "\"" + run + "\"");
    }

    @AfterAll
    static void stop() {
        if (open != null) {
            open.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void healthAndReadinessReportTheStreamsState() {
        ApiClient.Response health = api.get("/api/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("streams").asText()).isEqualTo("RUNNING");
        ApiClient.Response ready = api.get("/api/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
        assertThat(api.get("/api/openapi.json").json().at("/paths/~1api~1comparisons~1{id}~1windows/get").isObject()).isTrue();
    }

    @Test
    void theDetailCarriesTheDefinitionTheLedgerInThreeBasesWithEvidenceAndTheVerdict() {
        ApiClient.Response r = api.get("/api/comparisons/cmp-api");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Payback-Served-By")).isEqualTo(open.api().advertised());
        JsonNode body = r.json();
        assertThat(body.at("/definition/useCase").asText()).isEqualTo("uc-api");
        assertThat(body.at("/definition/minBaselineTasks").asLong()).isEqualTo(2);
        JsonNode ledger = body.at("/candidates/0/ledger");
        assertThat(ledger.get("status").asText()).isEqualTo("PAID_BACK");
        // 10.9 Wh saved against a 10 Wh footprint (class comment)
        assertThat(ledger.at("/energy/unit").asText()).isEqualTo("Wh");
        assertThat(ledger.at("/energy/saved").asDouble()).isCloseTo(10.9, within(1e-9));
        assertThat(ledger.at("/energy/footprint").asDouble()).isCloseTo(10.0, within(1e-9));
        assertThat(ledger.at("/energy/paybackRatio").asDouble()).isCloseTo(1.09, within(1e-9));
        assertThat(ledger.get("successfulTasks").asLong()).isEqualTo(20);
        assertThat(ledger.at("/co2eLocation/unit").asText()).isEqualTo("gCO2e");
        assertThat(ledger.at("/co2eLocation/saved").asDouble()).isPositive();
        assertThat(ledger.at("/co2eMarket").isObject()).isTrue();
        assertThat(ledger.get("savingTier").asText()).isEqualTo("METERED");
        assertThat(ledger.get("footprintTier").asText()).isEqualTo("METERED");
        assertThat(ledger.get("energyCoverage").asDouble()).isEqualTo(1.0);
        assertThat(body.get("openAlerts")).isEmpty();
        // The verdict (core's Verdicts, tested there with hand computations): this definition sets no horizon, so
        // there is nothing to project over and no winner, said so, in the comparison's basis
        JsonNode verdict = body.get("verdict");
        assertThat(verdict.get("basis").asText()).isEqualTo("ENERGY");
        assertThat(verdict.get("unit").asText()).isEqualTo("Wh");
        assertThat(verdict.get("winner").isNull()).isTrue();
        assertThat(verdict.at("/noWinner/reason").asText()).isEqualTo("NO_HORIZON");
        assertThat(verdict.get("provisional").asBoolean()).isTrue();
        assertThat(verdict.get("variants")).extracting(v -> v.get("id").asText()).containsExactly("baseline", "ft");
        assertThat(verdict.at("/variants/1/footprint").asDouble()).isCloseTo(10.0, within(1e-9));
        assertThat(verdict.get("summary").asText()).isNotBlank();
    }

    @Test
    void theListHasEveryComparisonWithStatusAndRatioPagedSortedAndFiltered() {
        JsonNode all = api.get("/api/comparisons").json();
        assertThat(all.get("total").asInt()).isEqualTo(2);
        assertThat(all.get("items").findValuesAsText("comparisonId")).containsExactly("cmp-api", "cmp-bad");
        JsonNode good = all.get("items").get(0);
        assertThat(good.get("status").asText()).isEqualTo("PAID_BACK");
        assertThat(good.get("paybackRatio").asDouble()).isCloseTo(1.09, within(1e-9));
        assertThat(good.at("/candidates/0/bases/ENERGY/saved").asDouble()).isCloseTo(10.9, within(1e-9));
        assertThat(good.at("/candidates/0/savingTier").asText()).isEqualTo("METERED");
        JsonNode bad = all.get("items").get(1);
        assertThat(bad.get("status").asText()).isEqualTo("NOT_SAVING");
        assertThat(bad.get("paybackRatio").isNull()).as("no footprint, no ratio").isTrue();
        // -4.36 Wh (class comment)
        assertThat(bad.at("/candidates/0/saved").asDouble()).isCloseTo(-4.36, within(1e-9));
        assertThat(bad.get("openAlerts").asInt()).isEqualTo(1);

        assertThat(api.get("/api/comparisons?sort=status").json().get("items").findValuesAsText("comparisonId"))
                .as("most urgent first").containsExactly("cmp-bad", "cmp-api");
        assertThat(api.get("/api/comparisons?sort=paybackRatio&order=desc").json().get("items")
                .findValuesAsText("comparisonId")).as("nulls last").containsExactly("cmp-api", "cmp-bad");
        JsonNode filtered = api.get("/api/comparisons?status=not_saving").json();
        assertThat(filtered.get("total").asInt()).isEqualTo(1);
        assertThat(filtered.at("/items/0/comparisonId").asText()).isEqualTo("cmp-bad");
        // ?include=VERDICT: each verdict in brief, from the owner's latest windows, says what the detail's says
        JsonNode withVerdicts = api.get("/api/comparisons?include=verdict").json();
        JsonNode brief = withVerdicts.at("/items/0/verdict");
        JsonNode full = api.get("/api/comparisons/cmp-api").json().get("verdict");
        assertThat(brief.get("summary").asText()).isEqualTo(full.get("summary").asText());
        assertThat(brief.get("noWinner").asText()).isEqualTo("NO_HORIZON");
        assertThat(brief.get("windows").asInt()).isEqualTo(full.at("/windows/count").asInt());
        assertThat(all.at("/items/0/verdict").isMissingNode()).as("only when asked").isTrue();

        JsonNode page = api.get("/api/comparisons?limit=1&offset=1").json();
        assertThat(page.get("total").asInt()).isEqualTo(2);
        assertThat(page.get("items").findValuesAsText("comparisonId")).containsExactly("cmp-bad");
    }

    @Test
    void windowsComeFromTheWindowStoreFilteredByTimeAndVariant() {
        JsonNode body = api.get("/api/comparisons/cmp-api/windows").json();
        JsonNode windows = body.get("windows");
        assertThat(windows).hasSize(2);
        assertThat(windows.get(0).get("windowStart").asText()).isEqualTo(T0.toString());
        assertThat(windows.get(1).get("windowStart").asText()).isEqualTo(T0.plusSeconds(60).toString());
        assertThat(windows.get(0).at("/baseline/requests").asLong()).isEqualTo(10);
        assertThat(windows.get(0).get("baselineSource").asText()).isEqualTo("WINDOW");
        // 1.0 Wh x 1.09 per baseline task; 10 x 1.09 - 10 x 0.545 = 5.45 Wh saved in the window
        assertThat(windows.get(0).get("baselineWhPerSuccessfulTask").asDouble()).isCloseTo(1.09, within(1e-9));
        assertThat(windows.get(0).at("/candidates/0/savingWh").asDouble()).isCloseTo(5.45, within(1e-9));
        assertThat(body.get("truncated").asBoolean()).isFalse();

        JsonNode later = api.get("/api/comparisons/cmp-api/windows?from=" + T0.plusSeconds(60)).json().get("windows");
        assertThat(later).hasSize(1);
        assertThat(later.get(0).get("windowStart").asText()).isEqualTo(T0.plusSeconds(60).toString());
        JsonNode earlier = api.get("/api/comparisons/cmp-api/windows?to=" + T0.plusSeconds(60).toEpochMilli()).json();
        assertThat(earlier.get("windows")).hasSize(1);

        assertThat(api.get("/api/comparisons/cmp-api/windows?variant=baseline").json().at("/windows/0/candidates"))
                .isEmpty();
        assertThat(api.get("/api/comparisons/cmp-api/windows?variant=ft").json().at("/windows/0/candidates")).hasSize(1);
        ApiClient.Response unknown = api.get("/api/comparisons/cmp-api/windows?variant=rag");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().at("/error/field").asText()).isEqualTo("variant");

        JsonNode newest = api.get("/api/comparisons/cmp-api/windows?newest=true&limit=1").json();
        assertThat(newest.get("windows")).hasSize(1);
        assertThat(newest.at("/windows/0/windowStart").asText()).isEqualTo(T0.plusSeconds(60).toString());
        assertThat(newest.get("truncated").asBoolean()).as("an older window was left out").isTrue();
        assertThat(newest.get("nextFrom").isNull()).isTrue();
        assertThat(api.get("/api/comparisons/cmp-api/windows?newest=true").json().get("windows")).hasSize(2);

        JsonNode cut = api.get("/api/comparisons/cmp-api/windows?limit=1").json();
        assertThat(cut.get("windows")).hasSize(1);
        assertThat(cut.get("truncated").asBoolean()).isTrue();
        assertThat(cut.get("nextFrom").asText()).isEqualTo(T0.plusSeconds(60).toString());
    }

    @Test
    void theFiringAlertsAreListedAndInTheirComparisonsDetail() {
        JsonNode alerts = api.get("/api/alerts?state=FIRING").json();
        assertThat(alerts.get("total").asInt()).isEqualTo(1);
        JsonNode alert = alerts.at("/items/0");
        assertThat(alert.get("comparisonId").asText()).isEqualTo("cmp-bad");
        assertThat(alert.get("rule").asText()).isEqualTo("NOT_SAVING");
        assertThat(alert.get("state").asText()).isEqualTo("FIRING");
        assertThat(api.get("/api/alerts?comparisonId=cmp-api").json().get("items")).isEmpty();
        assertThat(api.get("/api/comparisons/cmp-bad").json().at("/openAlerts/0/rule").asText()).isEqualTo("NOT_SAVING");
    }

    @Test
    void unknownIdsAre404AndUnknownRoutesToo() {
        for (ApiClient.Response r : List.of(api.get("/api/comparisons/nope"), api.get("/api/comparisons/nope/windows"),
                api.delete("/api/comparisons/nope"), api.get("/api/alerts?comparisonId=nope"), api.get("/api/nope"))) {
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("not_found");
            assertThat(r.json().at("/error/message").asText()).isNotBlank();
        }
    }

    @Test
    void badWritesAre400Or409NamingTheFieldAndProduceNothing() {
        ApiClient.Response invalid = api.put("/api/comparisons/cmp-x", """
                {"useCase": "uc-x", "baselineModel": "b", "minSuccessRate": 1.5,
                 "candidates": [{"candidateId": "ft", "modelId": "b"}]}""");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.errorCode()).isEqualTo("invalid_comparison");
        assertThat(invalid.json().at("/error/problems").findValuesAsText("field"))
                .containsExactlyInAnyOrder("minSuccessRate", "candidates[0].modelId");

        ApiClient.Response mismatch = api.put("/api/comparisons/cmp-x", "{\"comparisonId\": \"other\"}");
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.json().at("/error/field").asText()).isEqualTo("comparisonId");

        ApiClient.Response moved = api.put("/api/comparisons/cmp-api", comparison("uc-elsewhere", "run-ft"));
        assertThat(moved.status()).isEqualTo(409);
        assertThat(moved.errorCode()).isEqualTo("use_case_change");
        assertThat(moved.json().at("/error/field").asText()).isEqualTo("useCase");

        ApiClient.Response epoch = api.put("/api/comparisons/cmp-api",
                comparison("uc-api", "run-ft").replace(ApiTraffic.FINE_TUNE, "ft-8b-v2"));
        assertThat(epoch.status()).isEqualTo(409);
        assertThat(epoch.errorCode()).isEqualTo("new_epoch_required");
        assertThat(epoch.json().at("/error/message").asText()).contains("ft").contains("newEpoch=true");

        ApiClient.Response run = api.post("/api/training-runs", """
                {"runId": "r-bad", "meteredKwh": -1, "meteredScope": "wall", "startedAt": "2026-01-01T00:00:00Z"}""");
        assertThat(run.status()).isEqualTo(400);
        assertThat(run.json().at("/error/problems").findValuesAsText("field")).contains("meteredKwh", "meteredScope");

        // None of them changed anything
        assertThat(api.get("/api/comparisons/cmp-x").status()).isEqualTo(404);
        assertThat(api.get("/api/comparisons/cmp-api").json().at("/definition/candidates/0/modelId").asText())
                .isEqualTo(ApiTraffic.FINE_TUNE);
    }

    @Test
    void writesLandInTheTopicInTheWireFormatAndADeleteIsATombstone() throws Exception {
        ApiClient.Response put = api.put("/api/comparisons/cmp-temp?newEpoch=false", comparison("uc-temp", null));
        assertThat(put.status()).isEqualTo(202);
        assertThat(put.json().get("topic").asText()).isEqualTo("comparisons");
        ConsumerRecord<byte[], byte[]> written = recordAt(put.json());
        assertThat(written.value()[0]).as("Confluent magic byte").isZero();
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(stack.registry.confluentApiUrl());
             AvroDeserializer<ComparisonDefinition> avro = new AvroDeserializer<>(registry, ComparisonDefinition.class)) {
            ComparisonDefinition def = avro.deserialize("comparisons", written.value());
            assertThat(def.getComparisonId()).isEqualTo("cmp-temp");
            assertThat(def.getUseCase()).isEqualTo("uc-temp");
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> api.get("/api/comparisons/cmp-temp").status() == 200);

        ApiClient.Response delete = api.delete("/api/comparisons/cmp-temp");
        assertThat(delete.status()).isEqualTo(202);
        assertThat(delete.json().get("tombstone").asBoolean()).isTrue();
        assertThat(recordAt(delete.json()).value()).isNull();
        await().atMost(30, TimeUnit.SECONDS).until(() -> api.get("/api/comparisons/cmp-temp").status() == 404);
    }

    @Test
    void anOversizedBodyIs413() {
        // Three times the 65,536-byte limit: the server reads and drops a body up to 4 times the limit before its 413,
        // because a client writes its whole body before reading the answer; answering at once and closing reset the
        // connection under the client's write, which then saw no answer at all (CI, 2026-11-28 00:28, and again at
        // 03:25 with a body just over the limit; the race does not show on every run). (Expect: 100-continue would
        // avoid it, but JDK 17's HttpClient waits forever when the answer to it is not 100.)
        String big = comparison("uc-big", null).replace("\"minBaselineTasks\"",
                "\"basis\": \"" + "E".repeat(3 * 65_536) + "\", \"minBaselineTasks\"");
        ApiClient.Response r = api.put("/api/comparisons/cmp-big", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("payload_too_large");
    }

    @Test
    void withAuthOnReadsAndWritesNeedTheirTokenAndNoTokenReachesTheLog() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        Map<String, Object> config = new HashMap<>(stack.appConfig(Map.of(
                PaybackStreamsConfig.APPLICATION_ID_CONFIG, "api-secured", "payback.api.auth.mode", "all",
                "payback.api.auth.read.token", READ, "payback.api.auth.write.token", WRITE)));
        PaybackStreamsRunner secured = new PaybackStreamsRunner(config).start();
        try {
            ApiClient anonymous = new ApiClient(secured.api().baseUrl());
            ApiClient reader = anonymous.withToken(READ);
            // Given an instance just started: Kafka Streams is not RUNNING yet, so a read is 503, not an empty list
            ApiClient.Response early = reader.get("/api/comparisons");
            assertThat(secured.state()).isNotEqualTo(KafkaStreams.State.RUNNING);
            assertThat(early.status()).as(early.toString()).isEqualTo(503);
            assertThat(early.header("Retry-After")).isEqualTo("5");
            assertThat(early.errorCode()).isEqualTo("not_running");
            assertThat(anonymous.get("/api/ready").status()).isEqualTo(503);
            assertThat(secured.awaitRunning(Duration.ofSeconds(60))).isTrue();

            assertThat(anonymous.get("/api/comparisons").status()).isEqualTo(401);
            assertThat(anonymous.get("/api/health").status()).isEqualTo(200);
            await().atMost(30, TimeUnit.SECONDS).until(() -> reader.get("/api/comparisons").status() == 200);
            assertThat(reader.get("/api/comparisons/cmp-api").status()).isEqualTo(200);
            assertThat(anonymous.withToken(WRITE).get("/api/alerts").status()).as("the write token reads").isEqualTo(200);

            String run = "{\"runId\": \"run-auth\", \"meteredKwh\": 1, \"startedAt\": \"2026-01-01T00:00:00Z\"}";
            assertThat(anonymous.post("/api/training-runs", run).status()).isEqualTo(401);
            assertThat(reader.post("/api/training-runs", run).status()).isEqualTo(403);
            assertThat(anonymous.withToken(WRITE).post("/api/training-runs", run).status()).isEqualTo(202);
        } finally {
            secured.close();
            root.detachAppender(logs);
        }
        List<ILoggingEvent> logged;
        synchronized (logs) { // AppenderBase.doAppend holds the appender's lock while it adds
            logs.stop();
            logged = new java.util.ArrayList<>(logs.list);
        }
        assertThat(logged).isNotEmpty();
        for (ILoggingEvent event : logged) {
            assertThat(event.getFormattedMessage()).doesNotContain(READ).doesNotContain(WRITE);
        }
    }

    private ConsumerRecord<byte[], byte[]> recordAt(JsonNode written) {
        TopicPartition tp = new TopicPartition(written.get("topic").asText(), written.get("partition").asInt());
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, written.get("offset").asLong());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() == written.get("offset").asLong()) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no record at " + written);
    }
}
