package io.carbonllm.payback.streams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's (or another distribution's) Chromium and its driver, for the browser tests; flags from local-stack.md. */
public record HeadlessChromium(Path binary, Path driver) {

    public static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    /** The browser and driver found ($PAYBACK_CHROMIUM, $PAYBACK_CHROMEDRIVER, then {@link #CANDIDATES}), or null. */
    public static HeadlessChromium find() {
        Path binary = first(System.getenv("PAYBACK_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path driver = first(System.getenv("PAYBACK_CHROMEDRIVER"), "/usr/bin/chromedriver",
                "/usr/lib/chromium/chromedriver");
        return binary == null || driver == null ? null : new HeadlessChromium(binary, driver);
    }

    private static Path first(String... paths) {
        for (String p : paths) {
            if (p != null && Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    public WebDriver start(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1400,1100", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
