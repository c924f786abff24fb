package dev.parley.support;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the system packages (Debian's {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them). Both paths are given to Selenium, so
 * Selenium Manager never looks for, let alone downloads, a browser or a driver. Without them the
 * browser tests are skipped with a message, or fail when {@code CI=true}. Register this extension
 * before {@link ParleyTest}, so that a skip happens before a server boots.
 */
public class Browsers implements BeforeAllCallback {

    private static final Logger LOG = Logger.getLogger(Browsers.class.getName());

    static final File CHROMIUM = new File(System.getProperty("parley.chromium", "/usr/bin/chromium"));
    static final File CHROMEDRIVER = new File(System.getProperty("parley.chromedriver", "/usr/bin/chromedriver"));

    @Override
    public void beforeAll(ExtensionContext context) {
        if (CHROMIUM.canExecute() && CHROMEDRIVER.canExecute()) {
            return;
        }
        String message = "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver)";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(message + "; under CI=true this fails instead of skipping");
        }
        // a class skipped in beforeAll shows as 0 tests in the reports: say why where people look
        LOG.warning(context.getDisplayName() + ": " + message + ": skipping");
        Assumptions.abort(message + ": skipping");
    }

    /** A fresh headless browser with its own profile folder, its window {@code width} × {@code height}. */
    public static ChromeDriver open(Path profile, int width, int height) {
        // belt and braces: Selenium Manager stays offline even if something asks it
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.getPath());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox", // the tests run as root
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile,
                // the browser talks to 127.0.0.1 only: no proxy, no background calls home
                "--no-proxy-server",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-client-side-phishing-detection",
                "--disable-domain-reliability",
                "--no-pings",
                "--no-first-run",
                "--no-default-browser-check",
                // two browsers share two cores with a server: no timer throttling of either page
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows");
        // the page's console, so that a test can tell a script error or a refused resource
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        return new ChromeDriver(service, options);
    }
}
