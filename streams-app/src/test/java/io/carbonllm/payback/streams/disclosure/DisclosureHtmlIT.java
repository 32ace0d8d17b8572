package io.carbonllm.payback.streams.disclosure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.carbonllm.payback.streams.HeadlessChromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The HTML disclosure of DisclosureTest's hand-computed scenario in headless Chromium: it opens from a file with no
 * network, its chart renders (the spike, the saving and the day's point), and the totals it shows are the JSON's. The
 * screenshot is saved under target/disclosure/.
 */
class DisclosureHtmlIT {

    @TempDir
    Path dir;

    @Test
    void theReportOpensItsChartRendersAndItsTotalsAreTheJsons() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.findOrSkip(DisclosureHtmlIT.class);
        JsonNode report = DisclosureTest.july();
        Path page = dir.resolve("disclosure.html");
        Files.writeString(page, DisclosureFormats.html(report));
        WebDriver browser = chromium.start(dir.resolve("profile"), 1200, 1600);
        try {
            browser.get(page.toUri().toString());

            // The chart: cmp-a's candidate ft has a spike line, a saving line and a point per closed day (07-01, 07-02)
            WebElement cmpA = browser.findElement(By.cssSelector("section[data-comparison='cmp-a']"));
            WebElement chart = cmpA.findElement(By.cssSelector("svg.chart"));
            assertThat(chart.getSize().getHeight()).isGreaterThan(200);
            assertThat(chart.findElements(By.cssSelector("path.spike"))).hasSize(1);
            assertThat(chart.findElements(By.cssSelector("path.saving"))).hasSize(1);
            assertThat(chart.findElements(By.cssSelector("circle"))).hasSize(2);
            // the spike's step: 100 kWh after run-owned (07-01), 175 kWh after run-cloud (07-02), so its second point
            // is higher on the page (a smaller y) than its first
            String spike = chart.findElement(By.cssSelector("path.spike")).getAttribute("d");
            assertThat(y(spike, 0)).isGreaterThan(y(spike, 1));

            // The totals shown are the JSON's: the inventory's total row (facility Wh, location- and market-based g)
            List<WebElement> inventory = browser.findElements(
                    By.cssSelector("table[data-table='inventory'] tr"));
            WebElement total = inventory.get(inventory.size() - 1);
            assertThat(total.findElement(By.cssSelector("td[data-figure='facilityWh']")).getText())
                    .startsWith(DisclosureFormats.fmt(report.at("/inventory/total/facilityWh").asDouble()))
                    .startsWith("178300");
            assertThat(total.findElement(By.cssSelector("td[data-figure='gCo2eLocation']")).getText())
                    .startsWith(DisclosureFormats.fmt(report.at("/inventory/total/gCo2eLocation").asDouble()))
                    .startsWith("32606");
            assertThat(total.findElement(By.cssSelector("td[data-figure='gCo2eMarket']")).getText())
                    .startsWith("31083.5");
            // and the restatement, with both versions
            assertThat(browser.findElement(By.id("restatements")).getText())
                    .contains("v1: 630 g location, 607.5 g market").contains("v2: 600 g location, 577.5 g market");

            Path shots = Path.of("target", "disclosure");
            Files.createDirectories(shots);
            Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, shots.resolve("disclosure.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            browser.quit();
        }
    }

    /** The y of the path's {@code index}th point ("M x,y L x,y ..."). */
    private static double y(String path, int index) {
        String[] points = path.substring(1).split("L");
        return Double.parseDouble(points[index].split(",")[1]);
    }
}
