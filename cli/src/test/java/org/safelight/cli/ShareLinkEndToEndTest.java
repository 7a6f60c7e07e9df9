package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.format.report.DisplayDates;
import org.safelight.server.testing.MutableClock;

/**
 * A share link as its recipient uses it from the command line ({@code open LINK}, {@code get LINK}),
 * and a revoked report everywhere the CLI meets it. Real server (accounts, keys, cloud on SQLite)
 * with a clock the test moves.
 */
class ShareLinkEndToEndTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private SafelightServer server;
    private String url;
    private TestUsers users;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys", "cloud"), null,
                ServeConfig.Cloud.DEFAULTS, clock);
        url = server.url().toString();
        users = new TestUsers(dir, dir.resolve("data"), url);
        users.signUpVerifyAndLogIn("ada", "ada@example.org");
        users.signUpVerifyAndLogIn("bob", "bob@example.org");
        Fixtures.draft(dir.resolve("draft"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path seal() throws IOException {
        return users.seal("ada", dir.resolve("draft"));
    }

    private static String id(Path report) {
        return report.getFileName().toString().replace(".picsafe", "");
    }

    /** Sends as ada; returns the link. */
    private String send(Path report) {
        Cli.Result sent = users.run("ada", "send", report.toString(), "--to", "cloud");
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        return sent.out().lines().findFirst().orElseThrow();
    }

    private static String onlyLine(Cli.Result r) {
        assertThat(r.errLines()).as(r.stderr()).hasSize(1);
        return r.errLines().get(0);
    }

    private long filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }

    @Test
    void open_link_downloads_as_the_signed_in_user_and_opens_the_report() throws Exception {
        Path report = seal();
        String link = send(report);

        Cli.Result open = users.run("bob", "open", link, "-o", dir.resolve("bob").toString());

        assertThat(open.exitCode()).as(open.stderr()).isZero();
        assertThat(open.out()).contains("Opened report " + id(report), "1 photo, 1 video");
        assertThat(dir.resolve("bob/report.pdf")).exists();
        assertThat(users.run("ada", "keys", "log", id(report)).out()).contains("bob@example.org", "key_fetched");
    }

    @Test
    void get_link_only_downloads_the_sealed_file_whole() throws Exception {
        Path report = seal();
        String link = send(report);
        Path saved = dir.resolve("saved.picsafe");

        Cli.Result get = users.run("bob", "get", link, "-o", saved.toString());

        assertThat(get.exitCode()).as(get.stderr()).isZero();
        assertThat(get.out()).contains("Saved report " + id(report));
        assertThat(Files.readAllBytes(saved)).isEqualTo(Files.readAllBytes(report));
        assertThat(users.run("bob", "get", link, "-o", saved.toString()).exitCode()).as("never overwrites")
                .isEqualTo(1);
    }

    @Test
    void a_link_of_another_server_is_refused_before_any_token_is_sent() throws Exception {
        String link = send(seal());
        String elsewhere = link.replaceFirst("^http://[^/]+", "http://safelight.example.net");

        Cli.Result r = users.run("bob", "get", elsewhere, "-o", dir.resolve("x.picsafe").toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(onlyLine(r)).startsWith("safelight: this link is on http://safelight.example.net, but you are"
                + " signed in to " + url).contains("safelight login --server http://safelight.example.net");
        assertThat(dir.resolve("x.picsafe")).doesNotExist();
    }

    @Test
    void a_link_naming_another_loopback_address_downloads_from_the_signed_in_server_only() throws Exception {
        Path report = seal();
        String link = send(report);
        int port = server.url().getPort();
        AtomicBoolean reached = new AtomicBoolean();
        try (ServerSocket trap = new ServerSocket()) {
            trap.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port));
            Thread listener = new Thread(() -> {
                while (!trap.isClosed()) {
                    try {
                        trap.accept().close();
                        reached.set(true);
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            listener.setDaemon(true);
            listener.start();
            String onOtherAddress = link.replaceFirst("^http://[^/]+", "http://127.0.0.2:" + port);
            Path saved = dir.resolve("via-127.0.0.2.picsafe");

            Cli.Result get = users.run("bob", "get", onOtherAddress, "-o", saved.toString());

            assertThat(reached).as("nothing, least of all bob's token, goes to 127.0.0.2").isFalse();
            assertThat(get.exitCode()).as(get.stderr()).isZero();
            assertThat(Files.readAllBytes(saved)).isEqualTo(Files.readAllBytes(report));
        }
    }

    @Test
    void an_expired_link_says_so_and_leaves_no_partial_file() throws Exception {
        String link = send(seal());
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        users.logIn("bob", "bob@example.org"); // the old sign-in ended with the week
        Path folder = Files.createDirectories(dir.resolve("downloads"));

        Cli.Result r = users.run("bob", "get", link, "-o", folder.resolve("r.picsafe").toString());

        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(onlyLine(r)).contains("7 days in the cloud are over", "report_expired");
        assertThat(filesIn(folder)).isZero();
        Cli.Result open = users.run("bob", "open", link, "-o", dir.resolve("opened").toString());
        assertThat(open.exitCode()).isEqualTo(5);
        assertThat(dir.resolve("opened")).doesNotExist();
    }

    @Test
    void a_revoked_report_says_so_when_opened_fetched_sent_or_revoked_again() throws Exception {
        Path report = seal();
        String link = send(report);
        Cli.Result revoke = users.run("ada", "keys", "revoke", id(report));
        assertThat(revoke.exitCode()).as(revoke.stderr()).isZero();
        String when = DisplayDates.dateTime(clock.instant(), ZoneId.systemDefault());
        assertThat(revoke.out()).isEqualTo("Revoked report " + id(report) + " on " + when
                + ": its key will not be given to anyone again." + System.lineSeparator());

        Cli.Result again = users.run("ada", "keys", "revoke", id(report));
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).startsWith("Report " + id(report) + " was already revoked on " + when);

        Cli.Result open = users.run("bob", "open", link, "-o", dir.resolve("bob").toString());
        assertThat(open.exitCode()).isEqualTo(5);
        assertThat(onlyLine(open)).contains("revoked");
        assertThat(dir.resolve("bob")).doesNotExist();

        Cli.Result get = users.run("bob", "get", link, "-o", dir.resolve("r.picsafe").toString());
        assertThat(get.exitCode()).isEqualTo(5);
        assertThat(onlyLine(get)).contains("was revoked by its sender on " + when, "so it was not kept");
        assertThat(dir.resolve("r.picsafe")).doesNotExist();

        Cli.Result resend = users.run("ada", "send", report.toString(), "--to", "cloud");
        assertThat(resend.exitCode()).isEqualTo(5);
        assertThat(onlyLine(resend)).isEqualTo("safelight: refused by the server: report " + id(report)
                + " was revoked by its sender on " + when + ": nobody can open it, so it was not sent; seal the"
                + " photos again to send them (report_revoked)");
        assertThat(resend.out()).isEmpty();
    }

    @Test
    void dates_are_written_with_the_month_by_name() throws Exception {
        Path report = seal();
        send(report);
        String today = DisplayDates.date(clock.instant().atZone(ZoneId.systemDefault()).toLocalDate());
        assertThat(users.run("ada", "whoami").out()).contains("account created: " + today + ", ");
        assertThat(users.run("bob", "open", send(report), "-o", dir.resolve("o").toString()).exitCode()).isZero();
        assertThat(users.run("ada", "keys", "log", id(report)).out()).contains(today + ", ")
                .doesNotContainPattern("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    }

    @Test
    void a_sign_in_the_server_no_longer_accepts_says_to_log_in_again() throws Exception {
        Path credentials = dir.resolve("home-bob/safelight/credentials.json");
        Files.writeString(credentials, Files.readString(credentials)
                .replaceFirst("\"access_token\" : \"[^\"]+\"", "\"access_token\" : \"not-a-token\""));

        Cli.Result r = users.run("bob", "whoami");

        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(onlyLine(r)).startsWith("safelight: refused by the server: ")
                .endsWith(": sign in again with 'safelight login --server URL --email E'");
    }
}
