package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.streams.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's honest labels in headless Chromium, its API answered from {@link OfflineStreams} (no broker): the
 * alert timeline says it is loading rather than show an empty timeline while the instance is still reading
 * payback-alerts, and the ledger's figures that the payback bar does not label (the break-even, each basis's saved,
 * one-off and ratio) carry their evidence tiers and energy coverage. Skipped, saying so, without Chromium.
 * Screenshots go to {@code target/dashboard-screenshots/}.
 *
 * <p>The comparison is {@link ComparisonDetailTest}'s story, with rag's ledger relabelled: its saving benchmarked at
 * 90% energy coverage and its index build estimated; ft's saving and run metered at 100%.
 */
class DashboardOfflineIT {

    private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final String ID = "cmp-offline";

    @TempDir
    static Path dir;
    private static OfflineApi api;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium found = HeadlessChromium.findOrSkip(DashboardOfflineIT.class);
        api = new OfflineApi(dir, 2, Map.of()).ownAll(2);
        ComparisonDetailTest.story(api.streams, ID);
        LedgerState rag = ComparisonDetailTest.ledger(ID, "rag", "rag-m", "RAG", 1_000.0);
        rag.setLastStatus(PaybackStatus.newBuilder(rag.getLastStatus()).setSavingTier("BENCHMARKED")
                .setFootprintTier("ESTIMATED").setEnergyCoverage(0.9).build());
        api.streams.ledger(rag, ComparisonDetailTest.USE_CASE);
        Files.createDirectories(SCREENSHOTS);
        browser = found.start(dir.resolve("chromium-profile"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void theAlertTimelineSaysLoadingUntilTheHistoryIsWholeAndEveryLedgerFigureCarriesItsEvidence() throws Exception {
        // Given one transition read back, the instance not yet at the end offsets it saw at start
        api.server.alertHistory().add(AlertHistoryTest.alert(ID, 0));

        // When the detail page is opened
        browser.get(api.server.baseUrl() + "/ui/comparison.html?id=" + ID);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> "loading".equals(d.findElement(By.id("chart-alerts")).getAttribute("data-history")));

        // Then the timeline says it is loading, and draws nothing that could read as "no alert"
        WebElement timeline = browser.findElement(By.id("chart-alerts"));
        assertThat(timeline.getText()).contains("Loading the alert timeline").contains("No alert is firing now.");
        assertThat(timeline.findElements(By.cssSelector("canvas"))).isEmpty();
        scrollTo(timeline);
        screenshot("detail-alert-history-loading.png");

        // And every ledger figure carries its evidence: the saved, one-off and ratio columns of the three bases in their
        // headers, then the break-even
        List<String> ft = List.of("saving metered \u00B7 energy coverage 100%", "one-off metered",
                "saving metered \u00B7 one-off metered \u00B7 energy coverage 100%");
        List<String> rag = List.of("saving benchmarked \u00B7 energy coverage 90%", "one-off estimated",
                "saving benchmarked \u00B7 one-off estimated \u00B7 energy coverage 90%");
        assertThat(texts("section.card[data-candidate='ft'] table.ledger thead .evidence")).isEqualTo(ft);
        assertThat(texts("section.card[data-candidate='rag'] table.ledger thead .evidence")).isEqualTo(rag);
        assertThat(browser.findElements(By.cssSelector("section.card[data-candidate='rag'] table.ledger tbody tr")))
                .extracting(r -> r.getAttribute("data-basis")).containsExactly("ENERGY", "CO2E_LOCATION", "CO2E_MARKET");
        assertThat(texts("section.card[data-candidate='ft'] .breakeven .evidence")).containsExactly("from " + ft.get(2));
        assertThat(texts("section.card[data-candidate='rag'] .breakeven .evidence")).containsExactly("from " + rag.get(2));

        // When the instance has read payback-alerts to its end: the page reads the comparison again by itself
        api.server.alertHistory().caughtUp();
        wait.until(d -> "complete".equals(d.findElement(By.id("chart-alerts")).getAttribute("data-history"))
                && !d.findElements(By.cssSelector("#chart-alerts canvas")).isEmpty());

        // Then the timeline is drawn, its one transition in the data table, and no longer says loading
        timeline = browser.findElement(By.id("chart-alerts"));
        assertThat(timeline.getText()).doesNotContain("Loading");
        assertThat(timeline.findElements(By.cssSelector("table[data-chart='alerts'] tr"))).hasSize(2);
        scrollTo(timeline);
        screenshot("detail-alert-history-complete.png");

        // And the overview's break-even cells carry the same evidence, ft's row then rag's
        browser.get(api.server.baseUrl() + "/ui/");
        wait.until(d -> d.findElements(By.cssSelector("tbody[data-comparison='" + ID + "'] .breakeven .evidence"))
                .size() == 2);
        assertThat(texts("tbody[data-comparison='" + ID + "'] .breakeven .evidence"))
                .containsExactly("from " + ft.get(2), "from " + rag.get(2));
    }

    private static List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    private static void scrollTo(WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView();", element);
    }

    private static void screenshot(String name) throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
