package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.safelight.accounts.AccountsStores;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.view.InstitutionApi;
import org.safelight.server.db.Database;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.tokens.HttpJwks;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenAudience;

/**
 * The Institution page of My Safelight, with the endpoint on another origin (it trusts the site's
 * origin for CORS and gets only tokens scoped to it): the enterprise's admin sees every received
 * report with its sender, time, source and each destination's status and error, and retries a
 * parked one; a sender sees only what became of their own.
 */
class InstitutionBrowserTest extends BrowserTestBase {
    private static Javalin endpoint;
    private static Database endpointDb;
    private static EndpointStore store;

    @BeforeAll
    static void start() throws Exception {
        int sitePort = Site.freePort();
        int endpointPort = Site.freePort();
        String endpointUrl = "http://127.0.0.1:" + endpointPort;
        site = Site.withEndpointAt(dir.resolve("data"), sitePort, endpointUrl);
        site.confirmedUser("it@stvincents.example", "Iris");
        site.confirmedUser("ada@stvincents.example", "Ada");
        AccountsStores accounts = AccountsStores.open(site.server.database(), Clock.systemUTC());
        String enterprise = accounts.enterprises().create("St Vincent's", "it@stvincents.example",
                List.of("stvincents.example"), List.of());

        endpointDb = TestDatabases.sqlite();
        endpointDb.migrate("endpoint");
        store = new EndpointStore(endpointDb);
        Instant t0 = Instant.now().minus(Duration.ofHours(2));
        receive("0000000421795377908451q7Zk2mR9xTb", "ada@stvincents.example", t0);
        receive("0000000421795377999999Bb3Kd0wQ1yZ", "ben@northside.example", t0.plusSeconds(600));
        // The first is filed in the folder, and its forward to the middleware gave up.
        EndpointStore.Claim claim = store.claimDue(Instant.now(), Instant.now().plusSeconds(60)).orElseThrow();
        store.opened(claim, Instant.now());
        store.delivered(claim, "folder", Instant.now());
        store.deliveryFailed(claim, "forward", "HTTP 503 from https://middleware.stvincents.example", null);
        store.release(claim, Instant.now().plus(Duration.ofDays(30)));

        URI accountsUrl = URI.create(site.url);
        HttpJwks jwks = new HttpJwks(accountsUrl, HttpClient.newHttpClient());
        InstitutionApi api = new InstitutionApi(new StoredReports(endpointDb, Clock.systemUTC()),
                InstitutionApi.userOrEndpointTokens(
                        new JwksTokenVerifier(jwks, TokenAudience.users(accountsUrl), Clock.systemUTC()),
                        new JwksTokenVerifier(jwks, TokenAudience.endpoint(accountsUrl, URI.create(endpointUrl)),
                                Clock.systemUTC())),
                accounts.admins(), Optional.of(enterprise), List.of(site.url));
        endpoint = ServerApp.create(List.of(new Role() {
            @Override
            public org.safelight.server.role.RoleName roleName() {
                return org.safelight.server.role.RoleName.ENDPOINT;
            }

            @Override
            public void routes(JavalinDefaultRoutingApi routes) {
                api.routes(routes);
            }
        }), c -> { }).start("127.0.0.1", endpointPort);
        openBrowser();
    }

    private static void receive(String id, String sender, Instant at) {
        store.insert(new EndpointStore.NewReport(id, new Arrival(Arrival.Source.HTTPS, sender, true, null, at),
                "dynamic", 3_500_000, "ab".repeat(32), id + ".picsafe", ReceivedFiles.AtRest.AS_RECEIVED),
                List.of("folder", "forward"));
    }

    @AfterAll
    static void stopEndpoint() {
        if (endpoint != null) {
            endpoint.stop();
        }
        if (endpointDb != null) {
            endpointDb.close();
        }
    }

    private static String card(String id) {
        return "li[data-report='" + id + "']";
    }

    @Test
    void the_admin_sees_every_received_report_and_retries_the_parked_forward() {
        SignIn.as(browser, site, "it@stvincents.example");
        SignIn.nav(browser, "#nav-institution");
        browser.visible("#received-list");
        assertThat(browser.text("#institution h1")).isEqualTo("Institution: received reports");
        assertThat(browser.driver().findElements(By.cssSelector("#received-list > li")).stream()
                .map(e -> e.getAttribute("data-report")).toList())
                .containsExactly("0000000421795377999999Bb3Kd0wQ1yZ", "0000000421795377908451q7Zk2mR9xTb");
        String parked = card("0000000421795377908451q7Zk2mR9xTb");
        assertThat(browser.text(parked + " .sender")).isEqualTo("ada@stvincents.example");
        assertThat(browser.text(parked + " .received-at")).contains("by HTTPS");
        assertThat(browser.text(parked + " .deliveries")).contains("folder: delivered",
                "forward: parked after 1 attempt — HTTP 503 from https://middleware.stvincents.example");
        assertThat(browser.driver().findElements(By.cssSelector(card("0000000421795377999999Bb3Kd0wQ1yZ") + " .retry")))
                .as("nothing of the other report is parked").isEmpty();
        Views.fit(browser);
        shows("institution-0-admin");

        browser.click(parked + " .retry");
        browser.until(d -> browser.text(parked + " .state").contains("1 parked step will be tried again now."));
        assertThat(browser.text(parked + " .deliveries")).contains("forward: pending");
        assertThat(browser.driver().findElements(By.cssSelector(parked + " .retry"))).isEmpty();
        Views.fit(browser);
        shows("institution-1-retried");
    }

    @Test
    void a_sender_sees_only_their_own_report_without_the_institutions_error_texts_or_retry() {
        SignIn.as(browser, site, "ada@stvincents.example");
        SignIn.nav(browser, "#nav-institution");
        browser.visible("#received-list");
        assertThat(browser.text("#institution h1")).isEqualTo("Sent to the institution");
        assertThat(browser.driver().findElements(By.cssSelector("#received-list > li")).stream()
                .map(e -> e.getAttribute("data-report")).toList())
                .containsExactly("0000000421795377908451q7Zk2mR9xTb");
        assertThat(browser.text("#received-list")).doesNotContain("ben@northside.example", "middleware");
        assertThat(browser.driver().findElements(By.cssSelector("#received-list .retry"))).isEmpty();
        Views.fit(browser);
        shows("institution-2-sender");
    }
}
