package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carbonllm.payback.streams.api.ApiClient;
import io.carbonllm.payback.streams.api.SseClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium, over WebDriver), against the app on the real broker and
 * registry: the overview and the detail page show the figures the engine computed, and change when new events are
 * processed, without a reload. Skipped, saying so, when Chromium or its driver is not installed. Screenshots go to
 * {@code target/dashboard-screenshots/}.
 *
 * <p>The scenario (the figures of {@link ApiTraffic} and docs/payback-engine.md's scenario to check by hand): every
 * request is successful and metered, PUE 1.09. The fine-tune's run is metered at 0.01 kWh = 10 Wh.
 * <ul>
 *   <li>Phase 1, {@code cmp-dash} window 0: 10 baseline requests at 1.0 Wh (1.09 Wh each) and 10 fine-tune requests at
 *       0.5 Wh (0.545 Wh each). Saving = 10 x 1.09 - 10 x 0.545 = 5.45 Wh = 0.00545 kWh of a 10 Wh = 0.01 kWh
 *       footprint: ratio 0.545, the bar at 54.5%, PAYING_BACK once window 0 closes (a request at t0 + 95 s: end 60 s +
 *       30 s grace). Wh per successful task in window 0: baseline 1.09, fine-tune 0.545.</li>
 *   <li>Phase 2, while the pages are open: window 1 the same. Saving 2 x 5.45 = 10.9 Wh = 0.0109 kWh, ratio 1.09:
 *       the bar full at 109%, PAID_BACK; the Wh chart gets a second point. And {@code cmp-bad}'s window 2 (its use
 *       case may share a partition, so a stream time, with uc-dash: its traffic comes after window 1), closed by a
 *       request at t0 + 215 s: its fine-tune at 1.2 Wh (1.308 Wh) saves 10.9 - 13.08 = -2.18 Wh, so NOT_SAVING fires
 *       after one closed window (fireAfterWindows 1), and BREAK_EVEN_BEYOND_HORIZON with it (a candidate that saves
 *       nothing never breaks even): two open alerts appear on the overview.</li>
 *   <li>Phase 3, while cmp-dash's page is open: its window 3 the same. Saving 3 x 5.45 = 16.35 Wh, ratio 1.635
 *       (163.5%), and a third point on the charts.</li>
 * </ul>
 */
class DashboardIT {

    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
    private static final Duration UPDATE = Duration.ofSeconds(45);
    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static RealStack stack;
    private static PaybackStreamsRunner app;
    private static ApiClient api;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium found = HeadlessChromium.findOrSkip(DashboardIT.class);
        stack = new RealStack(dir);
        Map<String, Object> config = stack.appConfig(Map.of(PaybackStreamsConfig.APPLICATION_ID_CONFIG, "dashboard",
                PaybackStreamsConfig.LEDGER_REFRESH_MS_CONFIG, 1_000L));
        stack.createTopics(config);
        app = new PaybackStreamsRunner(config).start();
        assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
        api = new ApiClient(app.api().baseUrl());
        assertThat(api.put("/api/comparisons/cmp-dash", comparison("uc-dash", "run-ft")).status()).isEqualTo(202);
        assertThat(api.put("/api/comparisons/cmp-bad", comparison("uc-bad", null)).status()).isEqualTo(202);
        assertThat(api.post("/api/training-runs", """
                {"runId": "run-ft", "meteredKwh": 0.01, "region": "eu-north-1", "startedAt": "2025-12-01T00:00:00Z"}""")
                .status()).isEqualTo(202);
        await().atMost(30, TimeUnit.SECONDS).until(() -> api.get("/api/comparisons/cmp-dash").status() == 200
                && api.get("/api/comparisons/cmp-bad").status() == 200);

        // Phase 1: window 0 of cmp-dash, closed by a request at t0 + 95 s
        new ApiTraffic().requests(T0, "uc-dash", ApiTraffic.BASELINE, 0, 10, 1.0)
                .requests(T0, "uc-dash", ApiTraffic.FINE_TUNE, 0, 10, 0.5).tick(T0, "uc-dash", 95).send(stack);
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() ->
                "PAYING_BACK".equals(api.get("/api/comparisons/cmp-dash").json().at("/candidates/0/ledger/status").asText()));

        Files.createDirectories(SCREENSHOTS);
        browser = found.start(dir.resolve("chromium-profile"));
    }

    private static String comparison(String useCase, String run) {
        return """
                {"useCase": "%s", "baselineModel": "%s",
                 "candidates": [{"candidateId": "ft", "modelId": "%s", "runIds": [%s]}],
                 "horizonEnd": "%s", "minSuccessRate": 0.8,
                 "minBaselineTasks": 2, "fireAfterWindows": 1, "resolveAfterWindows": 1}"""
                .formatted(useCase, ApiTraffic.BASELINE, ApiTraffic.FINE_TUNE, run == null ? "" : "\"" + run + "\"",
                        T0.plus(Duration.ofDays(30)));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theOverviewAndTheDetailShowTheLedgerAndChartsAndFollowNewEventsWithoutAReload() throws Exception {
        // Given the overview, after phase 1
        browser.get(app.api().baseUrl() + "/");
        // Live events re-render the rows: an element found may be replaced before it is read
        WebDriverWait wait = new WebDriverWait(browser, UPDATE);
        wait.ignoring(StaleElementReferenceException.class);
        wait.until(d -> !d.findElements(By.cssSelector("tbody[data-comparison='cmp-dash'] .bar")).isEmpty()
                && "live".equals(d.findElement(By.id("live")).getAttribute("data-state")) && synced(d));
        WebElement row = browser.findElement(By.cssSelector("tbody[data-comparison='cmp-dash']"));
        WebElement bar = row.findElement(By.cssSelector(".bar"));
        // Then: 5.45 Wh of 10 Wh in kWh, 54.5%, with the evidence and the status in words
        assertThat(Double.parseDouble(bar.getAttribute("data-ratio"))).isCloseTo(0.545, within(1e-9));
        assertThat(bar.getAttribute("aria-valuenow")).isEqualTo("55");
        assertThat(row.findElement(By.cssSelector(".bar-label")).getText())
                .isEqualTo("0.00545 kWh saved of 0.01 kWh one-off (54.5%)");
        assertThat(row.getText()).contains("saving metered", "one-off metered", "energy coverage 100%");
        assertThat(row.findElement(By.cssSelector("td.status .badge")).getText()).isEqualTo("\u25B6 Paying back");
        assertThat(row.findElement(By.cssSelector(".breakeven")).getText()).contains("horizon end").contains("within horizon");
        // The winner: ft, 10 Wh + 0.545 Wh x N against the baseline's 1.09 Wh x N, for N (some 864,000 successful
        // tasks to the horizon at 20 a minute) far above the 18.3 where they cross
        assertThat(row.findElement(By.cssSelector(".winner")).getAttribute("data-winner")).isEqualTo("ft");
        assertThat(row.findElement(By.cssSelector(".winner")).getText()).contains("metered, 1 window, energy coverage 100%");
        // The basis toggle, by keyboard (arrow keys move a radio group): location-based CO2e, in kg, the same ratio
        // (the run and the traffic are both priced on eu-north-1's grid, so 0.11445 g of 0.21 g: 0.545)
        browser.findElement(By.cssSelector("input[name='basis'][value='ENERGY']")).sendKeys(Keys.ARROW_RIGHT);
        assertThat(browser.findElement(By.cssSelector("input[name='basis'][value='CO2E_LOCATION']")).isSelected()).isTrue();
        assertThat(browser.findElement(By.cssSelector("tbody[data-comparison='cmp-dash'] .bar-label")).getText())
                .isEqualTo("0.000114 kg CO2e saved of 0.00021 kg CO2e one-off (54.5%)");
        browser.findElement(By.cssSelector("input[name='basis'][value='CO2E_LOCATION']")).sendKeys(Keys.ARROW_LEFT);
        screenshot("overview-phase1.png");

        // When: phase 2 arrives while the page is open
        ((JavascriptExecutor) browser).executeScript("window.__sameDocument = 'yes';");
        phase2();

        // Then: the same document (no reload) shows 10.9 Wh of 10 Wh, paid back, and cmp-bad's alert firing
        wait.until(d -> d.findElement(By.cssSelector("tbody[data-comparison='cmp-dash'] .bar-label")).getText()
                .equals("0.0109 kWh saved of 0.01 kWh one-off (109%)"));
        until(wait, "cmp-bad's alerts on the overview", d -> "2".equals(d.findElement(
                By.cssSelector("tbody[data-comparison='cmp-bad'] td.alerts")).getAttribute("data-open")));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__sameDocument;")).isEqualTo("yes");
        assertThat(read(() -> browser.findElement(By.cssSelector("tbody[data-comparison='cmp-dash'] .bar"))
                .getAttribute("aria-valuenow"))).isEqualTo("100");
        assertThat(read(() -> browser.findElement(By.cssSelector("tbody[data-comparison='cmp-dash'] td.status .badge"))
                .getText())).isEqualTo("\u2714 Paid back");
        assertThat(read(() -> browser.findElement(By.cssSelector("tbody[data-comparison='cmp-bad'] td.alerts")).getText()))
                .contains("2 firing").contains("ft: NOT_SAVING").contains("ft: BREAK_EVEN_BEYOND_HORIZON");
        screenshot("overview.png");

        // The detail page: the verdict sentence at the top, the ledger and the charts
        browser.findElement(By.linkText("cmp-dash")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#chart-wh canvas")).isEmpty()
                && "2".equals(d.findElement(By.id("chart-wh")).getAttribute("data-points")) && synced(d));
        // The verdict: 20 successful tasks a minute (10 per variant) to the horizon, t0 + 30 d, from the end of window
        // 1 (t0 + 120 s): N = 20 / 60 s x (2,592,000 - 120) s = 863,960. Baseline 1.09 Wh x N = 941.7 kWh; ft 10 Wh +
        // 0.545 Wh x N = 470.9 kWh: 1 - 470.9 / 941.7 = 50% less. Two closed windows, fewer than the 3 a firm verdict
        // needs: provisional, for the baseline and for ft
        assertThat(read(() -> browser.findElement(By.id("verdict")).getText())).isEqualTo("ft (fine-tune) wins: 50% "
                + "less energy than the baseline (base-70b) over the horizon (471 kWh against 942 kWh; metered, 2 windows;"
                + " provisional: the baseline (base-70b) has a figure in 2 closed windows, fewer than the 3 needed (and 1"
                + " more))");
        assertThat(read(() -> browser.findElement(By.cssSelector(".card[data-candidate='ft'] .bar-label")).getText()))
                .isEqualTo("0.0109 kWh saved of 0.01 kWh one-off (109%)");
        // The Wh chart: two windows, baseline 1.09 Wh and fine-tune 0.545 Wh per successful task (class comment)
        @SuppressWarnings("unchecked")
        List<List<Object>> wh = (List<List<Object>>) ((JavascriptExecutor) browser)
                .executeScript("return window.paybackCharts.wh.data.map(s => Array.from(s));");
        assertThat(wh).hasSize(3);
        assertThat(((Number) wh.get(0).get(0)).longValue()).isEqualTo(T0.getEpochSecond());
        assertThat(numbers(wh.get(1))).allSatisfy(v -> assertThat(v).isCloseTo(1.09, within(1e-9))).hasSize(2);
        assertThat(numbers(wh.get(2))).allSatisfy(v -> assertThat(v).isCloseTo(0.545, within(1e-9))).hasSize(2);
        assertThat(read(() -> browser.findElement(By.cssSelector("table.data[data-chart='wh']")).getAttribute("textContent")))
                .contains("1.09").contains("0.545");
        assertThat(read(() -> browser.findElement(By.cssSelector("#chart-wh figcaption")).getText()))
                .contains("baseline: metered, coverage 100%").contains("ft: metered, coverage 100%");
        // The cumulative saving: 5.45 then 10.9 Wh, in kWh, against the 0.01 kWh footprint line
        @SuppressWarnings("unchecked")
        List<List<Object>> saving = (List<List<Object>>) ((JavascriptExecutor) browser)
                .executeScript("return window.paybackCharts.saving.data.map(s => Array.from(s));");
        assertThat(numbers(saving.get(1))).satisfiesExactly(v -> assertThat(v).isCloseTo(0.00545, within(1e-12)),
                v -> assertThat(v).isCloseTo(0.0109, within(1e-12)));
        assertThat(numbers(saving.get(2))).allSatisfy(v -> assertThat(v).isCloseTo(0.01, within(1e-12))).hasSize(2);
        // The whole page, charts included, for the docs
        browser.manage().window().setSize(new Dimension(1400, 2400));
        screenshot("detail.png");
        browser.manage().window().setSize(new Dimension(1400, 1100));

        // When a later window arrives while the comparison's page is open (window 3: window 2 may be closed already on
        // this partition by cmp-bad's request at t0 + 215 s; window 3 closes at 240 + 30 = 270 s)
        ((JavascriptExecutor) browser).executeScript("window.__sameDocument = 'detail';");
        new ApiTraffic().requests(T0, "uc-dash", ApiTraffic.BASELINE, 3, 10, 1.0)
                .requests(T0, "uc-dash", ApiTraffic.FINE_TUNE, 3, 10, 0.5).tick(T0, "uc-dash", 275).send(stack);
        // Then the page reads it without a reload: a third point, and 3 x 5.45 = 16.35 Wh saved of 10 Wh (163.5%)
        until(wait, "the third window on the comparison's page", d -> "3".equals(
                d.findElement(By.id("chart-wh")).getAttribute("data-points")));
        until(wait, "the third window's saving", d -> d.findElement(By.cssSelector(".card[data-candidate='ft'] .bar-label"))
                .getText().endsWith("kWh saved of 0.01 kWh one-off (163.5%)"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__sameDocument;")).isEqualTo("detail");

        // And with only the latest 2 windows held (?windows=2), the cumulative saving still ends at the ledger's:
        // window 1's 5.45 Wh is the start, then 5.45 + 5.45 = 10.9 Wh after window 2 and 16.35 Wh after window 3
        browser.get(app.api().baseUrl() + "/ui/comparison.html?id=cmp-dash&windows=2");
        until(wait, "two windows on the page", d -> "2".equals(d.findElement(By.id("chart-wh")).getAttribute("data-points"))
                && synced(d));
        @SuppressWarnings("unchecked")
        List<List<Object>> latest = (List<List<Object>>) ((JavascriptExecutor) browser)
                .executeScript("return window.paybackCharts.saving.data.map(s => Array.from(s));");
        assertThat(numbers(latest.get(1))).satisfiesExactly(v -> assertThat(v).isCloseTo(0.0109, within(1e-12)),
                v -> assertThat(v).isCloseTo(0.01635, within(1e-12)));
        assertThat(read(() -> browser.findElement(By.cssSelector("#chart-saving figcaption")).getText()))
                .contains("ft starts at 0.00545 kWh, saved in the windows before those shown");

        // And the cmp-bad detail page shows its alert on the timeline, read back from payback-alerts
        browser.get(app.api().baseUrl() + "/ui/comparison.html?id=cmp-bad");
        wait.until(DashboardIT::synced);
        wait.until(d -> d.findElement(By.cssSelector("table.data[data-chart='alerts']")).getAttribute("textContent")
                .contains("NOT_SAVING"));
        assertThat(read(() -> browser.findElement(By.cssSelector(".card[data-candidate='ft']")).getText()))
                .contains("NOT_SAVING firing");
        screenshot("detail-alert.png");
        // cmp-bad's ft NOT_SAVING is still firing, so its lane (0: 0 down, 1 up) ends up
        JavascriptExecutor js = (JavascriptExecutor) browser;
        @SuppressWarnings("unchecked")
        List<List<Number>> lanes = (List<List<Number>>) js.executeScript(
                "return window.paybackCharts.alerts.data.slice(1).map(s => Array.from(s));");
        assertThat(lanes).isNotEmpty();
        assertThat(lanes.get(0).get(lanes.get(0).size() - 1).intValue()).isEqualTo(1);

        // And the page's pairing, run in this browser: FIRING at 10:02 and the RESOLVED naming firedAt 10:02 are one
        // spell, 10:02 to 10:05 (down after it); FIRING again at 10:07, also still open, is a second spell, open
        Object spells = js.executeScript("return JSON.stringify(Payback.alertSpells(["
                + "{candidateId:'ft',rule:'NOT_SAVING',state:'FIRING',firedAt:'2026-01-01T10:02:00Z',resolvedAt:null},"
                + "{candidateId:'ft',rule:'NOT_SAVING',state:'RESOLVED',firedAt:'2026-01-01T10:02:00Z',"
                + "resolvedAt:'2026-01-01T10:05:00Z'},"
                + "{candidateId:'ft',rule:'NOT_SAVING',state:'FIRING',firedAt:'2026-01-01T10:07:00Z',resolvedAt:null}],"
                + "[{candidateId:'ft',rule:'NOT_SAVING',state:'FIRING',firedAt:'2026-01-01T10:07:00Z',resolvedAt:null}]));");
        assertThat(JSON.readTree((String) spells)).isEqualTo(JSON.readTree("["
                + "{\"candidateId\":\"ft\",\"rule\":\"NOT_SAVING\",\"firedAt\":\"2026-01-01T10:02:00Z\","
                + "\"resolvedAt\":\"2026-01-01T10:05:00Z\"},"
                + "{\"candidateId\":\"ft\",\"rule\":\"NOT_SAVING\",\"firedAt\":\"2026-01-01T10:07:00Z\","
                + "\"resolvedAt\":null}]"));
    }

    /** The page read its data again once its live stream opened, so it misses no change and re-renders no more. */
    private static boolean synced(WebDriver d) {
        return "true".equals(d.findElement(By.tagName("body")).getAttribute("data-synced"));
    }

    /** Waits, and on a timeout fails with what the API says and what the page shows (and a screenshot). */
    private static void until(WebDriverWait wait, String what, Function<WebDriver, Boolean> condition)
            throws Exception {
        try {
            wait.until(condition::apply);
        } catch (TimeoutException e) {
            screenshot("failure.png");
            throw new AssertionError("timed out waiting for " + what + "; the API's alerts: "
                    + api.get("/api/alerts").body() + "; the list: " + api.get("/api/comparisons").body()
                    + "; the page: " + browser.findElement(By.tagName("main")).getText(), e);
        }
    }

    /** Reads from the page, again if a live update replaced the element meanwhile. */
    private static String read(Supplier<String> read) {
        for (int attempt = 0; ; attempt++) {
            try {
                return read.get();
            } catch (StaleElementReferenceException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static List<Double> numbers(List<Object> values) {
        return values.stream().map(v -> ((Number) v).doubleValue()).toList();
    }

    @Test
    void theOverviewStaysUsableWithFiveHundredComparisons() throws Exception {
        // Given 500 more comparisons (no traffic: no ledger yet), defined through the API
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> puts = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                String id = "load-%03d".formatted(i);
                puts.add(pool.submit(() -> api.put("/api/comparisons/" + id, comparison("uc-" + id, null)).status()));
            }
            for (Future<Integer> put : puts) {
                assertThat(put.get(60, TimeUnit.SECONDS)).isEqualTo(202);
            }
        } finally {
            pool.shutdown();
        }
        await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500))
                .until(() -> api.get("/api/comparisons?limit=1").json().get("total").asInt() == 502);

        // When the overview loads them (one page of 500 and one of 2, with the verdicts)
        long start = System.nanoTime();
        browser.get(app.api().baseUrl() + "/ui/");
        WebDriverWait wait = new WebDriverWait(browser, UPDATE);
        wait.ignoring(StaleElementReferenceException.class);
        until(wait, "502 comparisons on the overview", d -> d.findElement(By.id("count")).getText()
                .equals("502 of 502 comparisons") && synced(d));
        long loadedMs = (System.nanoTime() - start) / 1_000_000;
        // Then: pages of 50, the most urgent first (cmp-bad NOT_SAVING or cmp-dash; comparisons with no ledger last)
        assertThat(browser.findElement(By.id("page")).getText()).isEqualTo("page 1 of 11");
        assertThat(browser.findElements(By.cssSelector("tbody.comparison"))).hasSize(50);
        assertThat(browser.findElement(By.cssSelector("tbody.comparison")).getAttribute("data-comparison"))
                .startsWith("cmp-");
        // Search narrows it: load-420 to load-429
        browser.findElement(By.id("search")).sendKeys("load-42");
        until(wait, "the search", d -> d.findElement(By.id("count")).getText().equals("10 of 502 comparisons"));
        assertThat(browser.findElements(By.cssSelector("tbody.comparison"))).extracting(e -> e.getAttribute("data-comparison"))
                .containsExactly("load-420", "load-421", "load-422", "load-423", "load-424", "load-425", "load-426",
                        "load-427", "load-428", "load-429");
        // Sorting by payback ratio, highest first: cmp-dash (the only ratio) on top, with the search cleared by keyboard
        WebElement search = browser.findElement(By.id("search"));
        search.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        new Select(browser.findElement(By.id("sort"))).selectByValue("payback-desc");
        until(wait, "the sort", d -> "cmp-dash".equals(d.findElement(By.cssSelector("tbody.comparison"))
                .getAttribute("data-comparison")));
        screenshot("overview-500.png");
        assertThat(loadedMs).as("the overview with 502 comparisons loaded in %d ms", loadedMs).isLessThan(15_000);
    }

    @Test
    void theStreamCarriesWhatTheEnginePublishedWithKafkaPositionsAsIdsAndReplaysItFromTheStart() throws Exception {
        // Given the app's output topics were empty when its stream source started, every change since is in the
        // replay buffer: a Last-Event-ID at offset 0 of every partition (3 of payback-status, 3 of payback-alerts)
        try (SseClient stream = SseClient.connect(
                app.api().baseUrl() + "/api/stream?comparisonId=cmp-dash", "Last-Event-ID", "0.0.0_0.0.0")) {
            assertThat(stream.status()).isEqualTo(200);
            // Then: the changes of cmp-dash/ft are replayed in order (no hello: it is a reconnect), each with the
            // position after it as its id, and they end with the status the API gives now
            SseClient.Event first = stream.next(Duration.ofSeconds(10));
            assertThat(first).isNotNull();
            JsonNode status = JSON.readTree(first.data());
            assertThat(first.event()).isEqualTo("status");
            assertThat(status.get("comparisonId").asText()).isEqualTo("cmp-dash");
            assertThat(status.get("candidateId").asText()).isEqualTo("ft");
            assertThat(first.id()).matches("\\d+\\.\\d+\\.\\d+_\\d+\\.\\d+\\.\\d+");
            String now = api.get("/api/comparisons/cmp-dash").json().at("/candidates/0/ledger/status").asText();
            String last = status.get("status").asText();
            SseClient.Event next;
            while ((next = stream.next(Duration.ofSeconds(2))) != null) {
                last = JSON.readTree(next.data()).get("status").asText();
            }
            assertThat(last).isEqualTo(now);
        }
    }

    private static void phase2() throws Exception {
        new ApiTraffic().requests(T0, "uc-dash", ApiTraffic.BASELINE, 1, 10, 1.0)
                .requests(T0, "uc-dash", ApiTraffic.FINE_TUNE, 1, 10, 0.5).tick(T0, "uc-dash", 155)
                .requests(T0, "uc-bad", ApiTraffic.BASELINE, 2, 10, 1.0)
                .requests(T0, "uc-bad", ApiTraffic.FINE_TUNE, 2, 10, 1.2).tick(T0, "uc-bad", 215).send(stack);
    }

    private static void screenshot(String name) throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
