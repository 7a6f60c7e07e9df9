package org.safelight.web.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven by its chromedriver (never a downloaded browser), at a desktop
 * or a phone {@link Size}, with a download folder of its own and screenshots kept under
 * {@code web/target/screenshots/{desktop,phone}} (system property {@code safelight.screenshots}).
 * One per test class: starting Chromium is the slow part.
 */
public final class Browser implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * The two window sizes every view is tested at. The phone is emulated as Chrome's device mode
     * does it: a 390×844 viewport, touch events, a coarse pointer and a phone's user agent, so the
     * page can tell it is on a phone the way it would on a real one.
     */
    public enum Size {
        DESKTOP(1280, 900),
        PHONE(390, 844);

        public final int width;
        public final int height;

        Size(int width, int height) {
            this.width = width;
            this.height = height;
        }

        /** The folder name of this size's screenshots. */
        public String folder() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An Android phone's Chrome, as a recipient opening a texted link would have. */
    private static final String PHONE_USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

    private final ChromeDriver driver;
    private final Path downloads;
    private final Size size;

    /** A desktop browser. */
    public Browser(Path downloads) {
        this(downloads, Size.DESKTOP);
    }

    public Browser(Path downloads, Size size) {
        this.downloads = downloads;
        this.size = size;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(new File(System.getProperty("safelight.chromium", "/usr/bin/chromium")));
        // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=" + size.width + "," + size.height,
                "--disable-gpu", "--no-first-run", "--disable-extensions", "--lang=en-US",
                // the composer's camera and microphone: Chromium's generated picture and tone, allowed without a prompt
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream");
        if (size == Size.PHONE) {
            options.setExperimentalOption("mobileEmulation", Map.of(
                    "deviceMetrics", Map.of("width", size.width, "height", size.height, "pixelRatio", 2.0,
                            "touch", true, "mobile", true),
                    "userAgent", PHONE_USER_AGENT));
        }
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        prefs.put("safebrowsing.enabled", false);
        options.setExperimentalOption("prefs", prefs);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("safelight.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        if (size == Size.DESKTOP) {
            // --window-size is the window's outer size: grow it by what the browser's frame takes, so
            // that the page itself is 1280×900.
            @SuppressWarnings("unchecked")
            List<Number> inner = (List<Number>) script("return [innerWidth, innerHeight]");
            var outer = driver.manage().window().getSize();
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(
                    outer.width + size.width - inner.get(0).intValue(), outer.height + size.height - inner.get(1).intValue()));
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public Size size() {
        return size;
    }

    public boolean isPhone() {
        return size == Size.PHONE;
    }

    /**
     * Fails unless the page fits the window's width: nothing scrolls sideways. Names the widest
     * elements that stick out, so a failure says what to fix.
     */
    public void assertNoSidewaysScroll() {
        // The size's own width, not innerWidth: a phone's browser widens its layout viewport to fit
        // content that is too wide, so innerWidth would grow with the very overflow we look for.
        Object result = script("""
                const width = arguments[0];
                if (document.documentElement.scrollWidth <= width && window.innerWidth <= width) return null;
                const out = [];
                for (const e of document.querySelectorAll('body *')) {
                  const r = e.getBoundingClientRect();
                  if (r.right > width + 0.5 && r.width > 0) {
                    out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                      + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                      + ' right=' + Math.round(r.right));
                  }
                }
                return 'scrollWidth ' + document.documentElement.scrollWidth + ', innerWidth ' + window.innerWidth
                  + ' > ' + width + ': ' + out.slice(0, 8).join(', ');
                """, size.width);
        if (result != null) {
            throw new AssertionError("the page scrolls sideways at " + size.width + " px on "
                    + driver.getCurrentUrl() + ": " + result);
        }
    }

    public void get(String url) {
        driver.get(url);
    }

    /** Waits for an element to be displayed. */
    public WebElement visible(By by) {
        return until(d -> {
            List<WebElement> found = d.findElements(by);
            return !found.isEmpty() && found.get(0).isDisplayed() ? found.get(0) : null;
        });
    }

    public WebElement visible(String css) {
        return visible(By.cssSelector(css));
    }

    /** Waits until the condition gives something other than null or false. */
    public <T> T until(Function<WebDriver, T> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = condition.apply(driver);
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                last = e;
            } catch (org.openqa.selenium.WebDriverException e) {
                // The same as a stale element, as this Chromium reports it when the page changes
                // between finding an element and reading it: "unknown error: unhandled inspector
                // error: ... Node with given id does not belong to the document". Anything else fails.
                if (e.getMessage() == null || !e.getMessage().contains("does not belong to the document")) {
                    throw e;
                }
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("waited " + WAIT.toSeconds() + " s in vain on " + driver.getCurrentUrl(), last);
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    public Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    public void type(String css, String text) {
        WebElement e = visible(css);
        e.clear();
        e.sendKeys(text);
    }

    /**
     * Clicks an element after bringing it to the middle of the window: a control that is "in view"
     * only under the sticky header would otherwise take the click on the header instead.
     */
    public void click(String css) {
        WebElement e = visible(css);
        script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", e);
        e.click();
    }

    public String text(String css) {
        return visible(css).getText();
    }

    /**
     * The page as it is now, saved as {@code view}.png among the build's screenshots of this size
     * ({@code target/screenshots/desktop} or {@code .../phone}).
     */
    public Path screenshot(String view) {
        String name = view;
        Path dir = Path.of(System.getProperty("safelight.screenshots", "target/screenshots")).resolve(size.folder());
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for a finished download of that name and returns it. */
    public Path downloaded(String fileName) {
        Path file = downloads.resolve(fileName);
        return until(d -> Files.isRegularFile(file) && !Files.exists(downloads.resolve(fileName + ".crdownload"))
                && size(file) > 0 ? file : null);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Console messages since the last call (CSP violations show here). */
    public List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
    }

    /** Forgets this origin's storage and the current page, so the next test starts signed out. */
    public void reset(String origin) {
        driver.get(origin + "/app/static/app.css");
        script("sessionStorage.clear(); localStorage.clear();");
        driver.manage().deleteAllCookies();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
