package io.carbonllm.payback.streams;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.LoggerFactory;

/** Debian's (or another distribution's) Chromium and its driver, for the browser tests. */
public record HeadlessChromium(Path binary, Path driver) {

    public static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    /**
     * The browser installed here; when there is none, {@code test} is skipped (JUnit's abort) with a warning that says
     * where it looked and how to install one.
     */
    public static HeadlessChromium findOrSkip(Class<?> test) {
        HeadlessChromium found = find();
        if (found == null) {
            String message = test.getSimpleName() + " skipped: no Chromium and chromedriver found (looked for "
                    + String.join(", ", CANDIDATES) + ", and $PAYBACK_CHROMIUM, $PAYBACK_CHROMEDRIVER). Install them "
                    + "with: apt-get install -y chromium chromium-driver";
            LoggerFactory.getLogger(test).warn(message);
            Assumptions.abort(message);
        }
        return found;
    }

    /** The browser installed here, or null. */
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

    /** A headless browser with its own profile directory, 1400 x 1100. */
    public WebDriver start(Path profile) {
        return start(profile, 1400, 1100);
    }

    /** A headless browser with its own profile directory and a fixed window size. */
    public WebDriver start(Path profile, int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
