package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.accounts.AccountsStores;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.store.ReceivedReports;
import org.safelight.endpoint.view.InstitutionApi;
import org.safelight.format.report.DisplayDates;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;
import org.safelight.server.tokens.HttpJwks;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenAudience;

/**
 * {@code safelight endpoint list | show | retry} as the signed-in user, against an endpoint on
 * another origin than the accounts server (so the CLI sends it only a token scoped to it).
 */
class EndpointCommandsTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @TempDir
    Path dir;

    private SafelightServer server;
    private TestUsers users;
    private Javalin endpoint;
    private String endpointUrl;
    private final Reports reports = new Reports();

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"));
        users = new TestUsers(dir, dir.resolve("data"), server.url().toString());
        Cli.Result create = Cli.run("admin", "enterprise", "create", "--data-dir", dir.resolve("data").toString(),
                "--name", "Example Hospital", "--admin", "it@hospital.example");
        assertThat(create.exitCode()).as(create.stderr()).isZero();
        String enterprise = AccountsStores.open(server.database(), Clock.systemUTC()).enterprises()
                .named("Example Hospital").orElseThrow().id();
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        endpointUrl = "http://127.0.0.1:" + port;
        URI accounts = server.url();
        HttpJwks jwks = new HttpJwks(accounts, HttpClient.newHttpClient());
        InstitutionApi api = new InstitutionApi(reports, InstitutionApi.userOrEndpointTokens(
                new JwksTokenVerifier(jwks, TokenAudience.users(accounts), Clock.systemUTC()),
                new JwksTokenVerifier(jwks, TokenAudience.endpoint(accounts, URI.create(endpointUrl)),
                        Clock.systemUTC())),
                AccountsStores.open(server.database(), Clock.systemUTC()).admins(), Optional.of(enterprise), List.of());
        endpoint = ServerApp.create(List.of(new Role() {
            @Override
            public org.safelight.server.role.RoleName roleName() {
                return org.safelight.server.role.RoleName.ENDPOINT;
            }

            @Override
            public void routes(JavalinDefaultRoutingApi routes) {
                api.routes(routes);
            }
        }), c -> { }).start("127.0.0.1", port);
        reports.put(new ReceivedReports.ReceivedReport("R-ADA-1", "ada@hospital.example", true, Arrival.Source.HTTPS,
                T0, "dynamic", 5120, "opened", 1, null, List.of(
                        new ReceivedReports.Delivery("folder", "delivered", 1, null, null, T0.plusSeconds(5)),
                        new ReceivedReports.Delivery("forward", "parked", 8, null, "HTTP 503 from the middleware",
                                null))));
        reports.put(new ReceivedReports.ReceivedReport("R-BEN-1", "ben@clinic.example", true, Arrival.Source.MAILBOX,
                T0.plusSeconds(60), "static", 2048, "delivered", 1, null, List.of(
                        new ReceivedReports.Delivery("folder", "delivered", 1, null, null, T0.plusSeconds(65)))));
    }

    @AfterEach
    void stop() {
        endpoint.stop();
        server.close();
    }

    @Test
    void the_admin_lists_every_report_sees_one_and_retries_its_parked_delivery() throws Exception {
        users.signUpVerifyAndLogIn("it", "it@hospital.example");

        Cli.Result list = users.run("it", "endpoint", "list", "--endpoint", endpointUrl);
        Cli.Result show = users.run("it", "endpoint", "show", "R-ADA-1", "--endpoint", endpointUrl);
        Cli.Result retry = users.run("it", "endpoint", "retry", "R-ADA-1", "--endpoint", endpointUrl);

        assertThat(list.exitCode()).as(list.stderr()).isZero();
        assertThat(list.out().lines()).hasSize(2);
        assertThat(list.out().lines().findFirst().orElseThrow())
                .contains(DisplayDates.dateTime(T0.plusSeconds(60)), "R-BEN-1", "ben@clinic.example", "delivered");
        assertThat(list.out()).contains("R-ADA-1", "folder delivered, forward parked");
        assertThat(show.exitCode()).as(show.stderr()).isZero();
        assertThat(show.out()).contains("Report R-ADA-1", "ada@hospital.example", "by HTTPS", "dynamic",
                "forward: parked, 8 attempts; last error: HTTP 503 from the middleware",
                "safelight endpoint retry R-ADA-1");
        assertThat(retry.exitCode()).as(retry.stderr()).isZero();
        assertThat(retry.out()).contains("Report R-ADA-1: 1 step will be tried again now.", "forward: pending");
    }

    @Test
    void a_sender_sees_only_their_own_and_cannot_retry() throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");

        Cli.Result list = users.run("ada", "endpoint", "list", "--endpoint", endpointUrl);
        Cli.Result others = users.run("ada", "endpoint", "show", "R-BEN-1", "--endpoint", endpointUrl);
        Cli.Result retry = users.run("ada", "endpoint", "retry", "R-ADA-1", "--endpoint", endpointUrl);

        assertThat(list.out().lines()).hasSize(1).first().asString().contains("R-ADA-1");
        assertThat(list.out()).doesNotContain("HTTP 503");
        assertThat(others.exitCode()).isEqualTo(5);
        assertThat(others.errLines()).hasSize(1).first().asString().contains("unknown_report");
        assertThat(retry.exitCode()).isEqualTo(5);
        assertThat(retry.errLines()).hasSize(1).first().asString().contains("not_enterprise_admin");
    }

    @Test
    void mistakes_are_usage_errors_and_nothing_is_sent_over_plain_http_to_another_host() throws Exception {
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");

        Cli.Result badId = users.run("ada", "endpoint", "show", "../etc", "--endpoint", endpointUrl);
        Cli.Result plain = users.run("ada", "endpoint", "list", "--endpoint", "http://endpoint.example.org");
        Cli.Result notSignedIn = users.run("nobody", "endpoint", "list", "--endpoint", endpointUrl);

        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(plain.exitCode()).isEqualTo(2);
        assertThat(plain.errLines()).hasSize(1).first().asString().contains("plain http", "https://");
        assertThat(notSignedIn.exitCode()).isEqualTo(2);
        assertThat(notSignedIn.errLines()).hasSize(1).first().asString().contains("safelight login");
    }

    /** A few received reports kept in memory, to the {@link ReceivedReports} contract. */
    static final class Reports implements ReceivedReports {
        private final Map<String, ReceivedReport> byId = new ConcurrentHashMap<>();

        void put(ReceivedReport r) {
            byId.put(r.reportId(), r);
        }

        @Override
        public List<ReceivedReport> list(Optional<String> senderEmail, Optional<Instant> before, int limit) {
            return byId.values().stream().filter(r -> senderEmail.map(r.senderEmail()::equals).orElse(true))
                    .filter(r -> before.map(r.receivedAt()::isBefore).orElse(true))
                    .sorted(Comparator.comparing(ReceivedReport::receivedAt).reversed()).limit(limit).toList();
        }

        @Override
        public Optional<ReceivedReport> find(String reportId) {
            return Optional.ofNullable(byId.get(reportId));
        }

        @Override
        public ReceivedReports.AnswerResult answer(String reportId, String destination, ReceivedReports.PersonAnswer answer, String answeredBy) {
            // these reports hold no questions (no delivery here waits for a person)
            return ReceivedReports.AnswerResult.refused(ReceivedReports.AnswerResult.Outcome.NOT_WAITING, "this delivery is not waiting for a person's answer");
        }

        @Override
        public int retry(String reportId) {
            ReceivedReport r = byId.get(reportId);
            if (r == null) {
                return 0;
            }
            List<Delivery> after = new ArrayList<>();
            int made = 0;
            for (Delivery d : r.deliveries()) {
                boolean parked = d.status().equals("parked");
                made += parked ? 1 : 0;
                after.add(parked ? new Delivery(d.destination(), "pending", d.attempts(), Instant.now(),
                        d.lastError(), null) : d);
            }
            byId.put(reportId, new ReceivedReport(r.reportId(), r.senderEmail(), r.senderVerified(), r.source(),
                    r.receivedAt(), r.kind(), r.size(), r.state(), r.openAttempts(), r.lastError(), after));
            return made;
        }
    }
}
