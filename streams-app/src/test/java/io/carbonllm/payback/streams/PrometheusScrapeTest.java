package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.streams.dlq.DeadLetterStage;
import io.carbonllm.payback.streams.metrics.LedgerSource;
import io.carbonllm.payback.streams.metrics.PrometheusEndpoint;
import io.carbonllm.payback.streams.metrics.PrometheusMetrics;
import io.carbonllm.payback.streams.metrics.PrometheusText;
import io.carbonllm.payback.streams.state.StoreNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} as Prometheus reads it: the scrape parses ({@link PrometheusText}, strict), and carries the
 * per-ledger series with the figures a scenario sets, the dead-letter and skipped-definition counts, and the JVM
 * metrics. The ledgers are the production topology's, in a TopologyTestDriver, read from its stores as the app reads
 * its local stores.
 *
 * <p>The scenario is {@link PaybackScenarioTest}'s: metered requests on Google (PUE 1.09) in eu-north-1
 * (21 gCO2e/kWh), windows of 60 s with 30 s grace; the shipped grid rows have no market-based figure, so the market
 * basis falls back to the location one. A baseline request metered at 1.0 Wh costs 1.09 Wh of facility energy.
 * <ul>
 *   <li>Candidate {@code ft} (0.5 Wh metered, 0.545 Wh facility) saves 1.09 - 0.545 = 0.545 Wh per task; its run is
 *       0.01 kWh = 10 Wh, 10 x 21 / 1000 = 0.21 g CO2e.</li>
 *   <li>Candidate {@code costly} (1.2 Wh metered, 1.308 Wh facility) saves 1.09 - 1.308 = -0.218 Wh per task; its
 *       run is 0.02 kWh = 20 Wh, 0.42 g CO2e.</li>
 * </ul>
 */
class PrometheusScrapeTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String UC = "support";
    private static final String BASE = "big-model";
    private static final String SMALL = "small-model";
    private static final String COSTLY = "costly-model";

    @TempDir
    Path stateDir;
    private TopologyFixture fx;
    private PrometheusMetrics metrics;
    private PrometheusEndpoint endpoint;
    private int seq;

    @BeforeEach
    void setUp() {
        fx = new TopologyFixture(stateDir);
        metrics = new PrometheusMetrics("scrape-test", fx.metrics,
                Arrays.stream(DeadLetterStage.values()).map(DeadLetterStage::header).toList(),
                List.of("comparisons", "training-runs", "factors"))
                .bindLedgers(this::driverStores);
        endpoint = metrics.endpoint();
    }

    @AfterEach
    void tearDown() {
        metrics.close();
        fx.close();
    }

    /** The driver's ledger and open-alert stores, as {@code LocalLedgerStores} reads the app's. */
    private LedgerSource.Snapshot driverStores() {
        List<PaybackStatus> statuses = new ArrayList<>();
        KeyValueStore<String, LedgerState> ledgers = fx.driver.getKeyValueStore(StoreNames.PAYBACK_LEDGER);
        try (KeyValueIterator<String, LedgerState> all = ledgers.all()) {
            all.forEachRemaining((KeyValue<String, LedgerState> kv) -> statuses.add(kv.value.getLastStatus()));
        }
        List<PaybackAlert> alerts = new ArrayList<>();
        KeyValueStore<String, PaybackAlert> open = fx.driver.getKeyValueStore(StoreNames.OPEN_ALERTS);
        try (KeyValueIterator<String, PaybackAlert> all = open.all()) {
            all.forEachRemaining((KeyValue<String, PaybackAlert> kv) -> alerts.add(kv.value));
        }
        return new LedgerSource.Snapshot(statuses, alerts);
    }

    private PrometheusText scrape(String name) throws Exception {
        String text = endpoint.scrape();
        Path out = Path.of("target", "scrapes");
        Files.createDirectories(out);
        Files.writeString(out.resolve(name + ".txt"), text, StandardCharsets.UTF_8);
        return PrometheusText.parse(text);
    }

    @Test
    void theScrapeParsesAndCarriesEachLedgersFiguresStatusAndAlerts() throws Exception {
        // Given the comparison with two candidates and their runs
        fx.comparisons.pipeInput("cmp-1", ComparisonDefinition.newBuilder()
                .setComparisonId("cmp-1").setUseCase(UC).setBaselineModel(BASE)
                .setCandidates(List.of(candidate("ft", SMALL, "run-1"), candidate("costly", COSTLY, "run-2")))
                .setMinBaselineTasks(2).setFireAfterWindows(3).setResolveAfterWindows(2).build());
        fx.trainingRuns.pipeInput("run-1", run("run-1", 0.01));
        fx.trainingRuns.pipeInput("run-2", run("run-2", 0.02));

        // When window 0 has 10 tasks of each model, and closes (stream time T0 + 95 s >= 60 + 30)
        traffic(0);
        closeThrough(95);

        // Then ft saved 10 x 0.545 = 5.45 Wh = 0.00545 kWh of 10 Wh: ratio 0.545, paying back
        PrometheusText first = scrape("after-window-0");
        assertThat(first.value("payback_saved_kwh", "comparison", "cmp-1", "candidate", "ft"))
                .isCloseTo(0.00545, within(1e-12));
        assertThat(first.value("payback_ratio", "comparison", "cmp-1", "candidate", "ft", "basis", "ENERGY"))
                .isCloseTo(0.545, within(1e-9));
        assertThat(first.value("payback_status", "candidate", "ft", "status", "PAYING_BACK")).isEqualTo(1.0);

        // When windows 1 and 2 repeat it, and close (T0 + 215 s >= 180 + 30)
        traffic(1);
        traffic(2);
        closeThrough(215);
        PrometheusText text = scrape("after-window-2");

        // Then ft: 3 windows x 5.45 = 16.35 Wh = 0.01635 kWh saved of a 10 Wh = 0.010 kWh footprint: ratio 1.635,
        // paid back; CO2e 16.35 x 21 / 1000 = 0.34335 g = 0.00034335 kg of 0.21 g = 0.00021 kg, ratio 1.635 too
        String[] ft = {"comparison", "cmp-1", "candidate", "ft"};
        assertThat(text.value("payback_saved_kwh", ft)).isCloseTo(0.01635, within(1e-12));
        assertThat(text.value("payback_footprint_kwh", ft)).isCloseTo(0.010, within(1e-12));
        assertThat(text.value("payback_ratio", with(ft, "basis", "ENERGY"))).isCloseTo(1.635, within(1e-9));
        assertThat(text.value("payback_saved_kgco2e", with(ft, "basis", "CO2E_LOCATION")))
                .isCloseTo(0.00034335, within(1e-12));
        assertThat(text.value("payback_footprint_kgco2e", with(ft, "basis", "CO2E_LOCATION")))
                .isCloseTo(0.00021, within(1e-12));
        assertThat(text.value("payback_ratio", with(ft, "basis", "CO2E_LOCATION"))).isCloseTo(1.635, within(1e-9));
        // the market basis falls back to location in eu-north-1: the same figures
        assertThat(text.value("payback_saved_kgco2e", with(ft, "basis", "CO2E_MARKET")))
                .isCloseTo(0.00034335, within(1e-12));
        // one series per status, 1 for the current one
        assertThat(text.find("payback_status", ft)).hasSize(5);
        assertThat(text.value("payback_status", with(ft, "status", "PAID_BACK"))).isEqualTo(1.0);
        assertThat(text.value("payback_status", with(ft, "status", "PAYING_BACK"))).isEqualTo(0.0);
        assertThat(text.value("payback_firing_alerts", ft)).isEqualTo(0.0);
        // paid back: no projection, so no break-even series; no horizon either
        assertThat(text.find("payback_projected_break_even_timestamp_seconds", ft)).isEmpty();
        assertThat(text.find("payback_horizon_end_timestamp_seconds", ft)).isEmpty();

        // And costly: 3 x 10 x -0.218 = -6.54 Wh = -0.00654 kWh of 20 Wh: ratio -0.327, not saving; CO2e
        // -6.54 x 21 / 1000 = -0.13734 g = -0.00013734 kg of 0.42 g = 0.00042 kg. NOT_SAVING fired when window 2
        // closed (three closed windows in a row, fireAfterWindows = 3): one alert firing
        String[] costly = {"comparison", "cmp-1", "candidate", "costly"};
        assertThat(text.value("payback_saved_kwh", costly)).isCloseTo(-0.00654, within(1e-12));
        assertThat(text.value("payback_footprint_kwh", costly)).isCloseTo(0.020, within(1e-12));
        assertThat(text.value("payback_ratio", with(costly, "basis", "ENERGY"))).isCloseTo(-0.327, within(1e-9));
        assertThat(text.value("payback_saved_kgco2e", with(costly, "basis", "CO2E_LOCATION")))
                .isCloseTo(-0.00013734, within(1e-12));
        assertThat(text.value("payback_footprint_kgco2e", with(costly, "basis", "CO2E_MARKET")))
                .isCloseTo(0.00042, within(1e-12));
        assertThat(text.value("payback_status", with(costly, "status", "NOT_SAVING"))).isEqualTo(1.0);
        assertThat(text.find("payback_status", costly).stream().mapToDouble(PrometheusText.Sample::value).sum())
                .isEqualTo(1.0);
        assertThat(text.value("payback_firing_alerts", costly)).isEqualTo(1.0);
        assertThat(text.value("payback_alert_firing", with(costly, "rule", "NOT_SAVING"))).isEqualTo(1.0);
        assertThat(text.value("payback_alert_firing", with(costly, "rule", "QUALITY_BELOW_BAR"))).isEqualTo(0.0);
        assertThat(text.find("payback_alert_firing", costly)).hasSize(4);

        // And the ledger info says what each compares, and this instance exports two ledgers
        assertThat(text.value("payback_ledger_info", with(costly, "model", COSTLY, "use_case", UC, "basis", "ENERGY",
                "candidate_kind", "FINE_TUNE"))).isEqualTo(1.0);
        assertThat(text.value("payback_ledgers")).isEqualTo(2.0);
        // every series carries the application
        assertThat(text.find("payback_ledgers", "application", "scrape-test")).hasSize(1);
        assertThat(text.type("payback_ratio")).isEqualTo("gauge");
    }

    @Test
    void aDeletedComparisonsSeriesGoAway() throws Exception {
        // Given a comparison whose candidate costs more, with NOT_SAVING firing (as above: three closed windows)
        fx.comparisons.pipeInput("cmp-1", ComparisonDefinition.newBuilder()
                .setComparisonId("cmp-1").setUseCase(UC).setBaselineModel(BASE)
                .setCandidates(List.of(candidate("costly", COSTLY, "run-2")))
                .setMinBaselineTasks(2).setFireAfterWindows(3).setResolveAfterWindows(2).build());
        fx.trainingRuns.pipeInput("run-2", run("run-2", 0.02));
        for (int w = 0; w < 3; w++) {
            requests(BASE, w, 10, 1.0);
            requests(COSTLY, w, 10, 1.2);
        }
        closeThrough(215);
        PrometheusText before = scrape("before-delete");
        assertThat(before.value("payback_firing_alerts", "candidate", "costly")).isEqualTo(1.0);

        // When the comparison is deleted and the ledger refresh retires its ledger
        fx.comparisons.pipeInput("cmp-1", null);
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));

        // Then no series names it any more, and the instance exports no ledger
        PrometheusText after = scrape("after-delete");
        assertThat(after.samples()).noneMatch(s -> "cmp-1".equals(s.labels().get("comparison")));
        assertThat(after.value("payback_ledgers")).isEqualTo(0.0);
    }

    @Test
    void theScrapeCountsDeadLettersByStageAndSkippedDefinitionsAndCarriesJvmMetrics() throws Exception {
        // Given the comparison, so requests flow; every stage and topic is exported at 0 from the start
        PrometheusText empty = scrape("empty");
        for (String stage : List.of("deserialize", "validate", "late")) {
            assertThat(empty.value("payback_dead_letters_total", "stage", stage)).isEqualTo(0.0);
        }
        assertThat(empty.value("payback_definitions_skipped_total", "topic", "training-runs")).isEqualTo(0.0);
        assertThat(empty.type("payback_dead_letters_total")).isEqualTo("counter");

        // When two records are garbage bytes, one event has negative tokens, a run has infinite energy, and a
        // request for window 0 comes after stream time passed its end + grace (T0 + 95 s > 60 + 30 s)
        fx.rawEvents.pipeInput("k".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
        fx.rawEvents.pipeInput("k".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0});
        fx.pipe(InferenceEvent.newBuilder().setEventId("neg").setEventTime(T0.plusSeconds(1)).setGateway("gw")
                .setUseCase(UC).setModelId(BASE).setInputTokens(-5).setOutputTokens(1).setSuccess(true).build());
        fx.trainingRuns.pipeInput("run-x", run("run-x", Double.POSITIVE_INFINITY));
        closeThrough(95);
        requests(BASE, 0, 1, 1.0);

        // Then: deserialize 2, validate 1, late 1; training-runs 1 skipped
        PrometheusText text = scrape("dead-letters");
        assertThat(text.value("payback_dead_letters_total", "stage", "deserialize")).isEqualTo(2.0);
        assertThat(text.value("payback_dead_letters_total", "stage", "validate")).isEqualTo(1.0);
        assertThat(text.value("payback_dead_letters_total", "stage", "late")).isEqualTo(1.0);
        assertThat(text.value("payback_definitions_skipped_total", "topic", "training-runs")).isEqualTo(1.0);
        assertThat(text.value("payback_definitions_skipped_total", "topic", "comparisons")).isEqualTo(0.0);

        // And the JVM: memory, GC, threads, class loading, processor
        assertThat(text.names()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count", "process_uptime_seconds");
        assertThat(text.names()).anyMatch(n -> n.startsWith("jvm_gc_"));
    }

    private void traffic(int w) {
        requests(BASE, w, 10, 1.0);
        requests(SMALL, w, 10, 0.5);
        requests(COSTLY, w, 10, 1.2);
    }

    private static String[] with(String[] labels, String... more) {
        String[] all = Arrays.copyOf(labels, labels.length + more.length);
        System.arraycopy(more, 0, all, labels.length, more.length);
        return all;
    }

    private static CandidateDefinition candidate(String id, String model, String... runIds) {
        return CandidateDefinition.newBuilder().setCandidateId(id).setModelId(model).setRunIds(List.of(runIds)).build();
    }

    private static TrainingRun run(String runId, double meteredKwh) {
        return TrainingRun.newBuilder().setRunId(runId).setMeteredKwh(meteredKwh).setRegion("eu-north-1")
                .setStartedAt(Instant.parse("2025-12-01T00:00:00Z")).build();
    }

    /** {@code n} successful requests of {@code model} in window {@code w} ([T0 + 60w, T0 + 60w + 60) s), metered. */
    private void requests(String model, int w, int n, double meteredWh) {
        for (int i = 0; i < n; i++) {
            fx.pipe(InferenceEvent.newBuilder()
                    .setEventId("e" + (++seq)).setEventTime(T0.plusSeconds(60L * w + 1 + i % 50))
                    .setGateway("gw").setUseCase(UC).setModelId(model).setProvider("google").setRegion("eu-north-1")
                    .setInputTokens(100).setOutputTokens(10).setSuccess(true).setMeteredEnergyWh(meteredWh)
                    .build());
        }
    }

    /** Stream time to T0 + {@code seconds} (an unrelated model's request), then the ledger refresh closes windows. */
    private void closeThrough(int seconds) {
        fx.pipe(InferenceEvent.newBuilder().setEventId("tick-" + (++seq)).setEventTime(T0.plusSeconds(seconds))
                .setGateway("gw").setUseCase(UC).setModelId("unrelated").setInputTokens(1).setOutputTokens(1)
                .setSuccess(true).build());
        fx.driver.advanceWallClockTime(Duration.ofSeconds(6));
    }
}
