package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.HasCdp;

/**
 * The pages accounts serves for emailed links (confirming an address, choosing a new password) in
 * Chromium, at a desktop's size and at a phone's (390×844): no sideways scrolling, tap targets of
 * 44 px, a visible error next to its field, and the link onward to My Safelight's sign-in works.
 */
class AccountPagesBrowserTest extends BrowserTestBase {

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        openBrowser();
    }

    /** The viewport of {@code size}: a desktop window, or a phone (touch, 3× pixels). */
    private static void viewport(String size) {
        boolean phone = size.equals("phone");
        ((HasCdp) browser.driver()).executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", phone ? 390 : 1280, "height", phone ? 844 : 900, "deviceScaleFactor", phone ? 3 : 1,
                "mobile", phone));
    }

    private static void fitsWithoutSidewaysScrolling() {
        assertThat((Boolean) browser.script("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scrolling").isTrue();
    }

    private static void tapTargetsAreBigEnough() {
        List<WebElement> targets = browser.driver().findElements(By.cssSelector("button, a, input:not([type=hidden])"));
        for (WebElement t : targets) {
            if (!"checkbox".equals(t.getAttribute("type"))) {
                assertThat(t.getRect().getHeight()).as(t.getTagName() + " " + t.getAttribute("id")).isGreaterThanOrEqualTo(44);
            }
        }
    }

    private static void screenshot(String size, String name) {
        try {
            Path folder = Path.of("target", "screenshots", size);
            Files.createDirectories(folder);
            Files.copy(((TakesScreenshot) browser.driver()).getScreenshotAs(OutputType.FILE).toPath(), folder.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void signUp(String email) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(site.url + "/api/v1/accounts/signup")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"email": "%s", "password": "%s", "first_name": "Wren", "last_name": "Okafor", "title": "Dr",
                         "country": "IE"}""".formatted(email, Site.PASSWORD))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
        site.awaitMessages(email, 1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"desktop", "phone"})
    void confirming_an_address_fits_the_screen_shows_the_error_by_its_field_and_leads_on_to_sign_in(String size)
            throws Exception {
        viewport(size);
        String email = "wren-" + size + "@example.org";
        signUp(email);

        browser.get(site.linkTo(email));
        assertThat(browser.driver().getTitle()).isEqualTo("Confirm your email address · Safelight");
        fitsWithoutSidewaysScrolling();
        tapTargetsAreBigEnough();
        screenshot(size, "account-page-confirm");
        browser.type("#password", "not the password at all");
        browser.click("button[type=submit]");
        browser.until(d -> "true".equals(browser.visible("#password").getAttribute("aria-invalid")));
        assertThat(browser.text("#password-error")).contains("not the password chosen at sign-up");
        assertThat(browser.script("return document.activeElement.id")).isEqualTo("password");
        fitsWithoutSidewaysScrolling();
        screenshot(size, "account-page-confirm-error");
        browser.type("#password", Site.PASSWORD);
        browser.click("button[type=submit]");
        browser.until(d -> browser.text("h1").equals("Email address confirmed"));
        fitsWithoutSidewaysScrolling();
        tapTargetsAreBigEnough();
        screenshot(size, "account-page-confirmed");

        browser.click("a.button");
        browser.until(d -> d.getCurrentUrl().equals(site.url + "/app/#/signin"));
        browser.visible("#signin-email");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"desktop", "phone"})
    void choosing_a_new_password_fits_the_screen_and_leads_on_to_sign_in(String size) throws Exception {
        viewport(size);
        String email = "ada-" + size + "@example.org";
        site.confirmedUser(email, "Ada");
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(site.url + "/api/v1/accounts/password-reset"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"email\": \"" + email + "\"}")).build(), HttpResponse.BodyHandlers.discarding());
        site.awaitMessages(email, 2);

        browser.get(site.linkTo(email));
        assertThat(browser.driver().getTitle()).isEqualTo("Choose a new password · Safelight");
        fitsWithoutSidewaysScrolling();
        tapTargetsAreBigEnough();
        screenshot(size, "account-page-reset");
        browser.type("#password", "a long new passphrase");
        browser.type("#password_confirm", "a different passphrase");
        browser.click("button[type=submit]");
        browser.until(d -> "true".equals(browser.visible("#password_confirm").getAttribute("aria-invalid")));
        assertThat(browser.text("#password_confirm-error")).contains("the two passwords differ");
        fitsWithoutSidewaysScrolling();
        screenshot(size, "account-page-reset-error");
        browser.type("#password", "a long new passphrase");
        browser.type("#password_confirm", "a long new passphrase");
        browser.click("button[type=submit]");
        browser.until(d -> browser.text("h1").equals("Password changed"));
        screenshot(size, "account-page-reset-done");

        browser.click("a.button");
        browser.until(d -> d.getCurrentUrl().equals(site.url + "/app/#/signin"));
    }
}
