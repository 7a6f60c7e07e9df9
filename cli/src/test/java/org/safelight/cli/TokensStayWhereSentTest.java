package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.client.Credentials;
import org.safelight.cli.serve.SafelightServer;

/**
 * Red team, issue 8 §1: a received report names a key server of the attacker's. The CLI sends it
 * nothing unless the user trusts it; even then only the origin's key route gets a token, and that
 * token is worthless at the accounts, cloud and enterprise routes and at any other key server.
 */
class TokensStayWhereSentTest {
    @TempDir
    Path dir;

    private SafelightServer server;
    private TestUsers users;
    private HttpServer foreign;
    private final List<String[]> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(dir.resolve("server"));
        users = new TestUsers(dir, dir.resolve("server"), server.url().toString());
        users.signUpVerifyAndLogIn("bob", "bob@hospital.example");
        // The attacker's key server: records every request, answers like a key server that has no such report.
        foreign = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        foreign.createContext("/", exchange -> {
            received.add(new String[] {exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"))});
            byte[] body = "{\"error\": \"unknown_report\", \"message\": \"no such report\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        foreign.start();
    }

    @AfterEach
    void stop() {
        foreign.stop(0);
        server.close();
    }

    private String foreignOrigin() {
        return "http://127.0.0.1:" + foreign.getAddress().getPort();
    }

    /** A report sealed with a key the attacker knows, naming {@code keyserverUrl}. */
    private Path hostileReport(String keyserverUrl) throws Exception {
        Fixtures.draft(dir.resolve("draft"));
        Cli.Result seal = Cli.run("seal", dir.resolve("draft").toString(), "-o", dir.resolve("hostile") + "/",
                "--password", "attacker-knows", "--keyserver-url", keyserverUrl);
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        try (Stream<Path> out = Files.list(dir.resolve("hostile"))) {
            return out.findFirst().orElseThrow();
        }
    }

    @Test
    void a_report_naming_an_untrusted_key_server_sends_it_nothing_and_says_how_to_trust_it() throws Exception {
        Path report = hostileReport(foreignOrigin() + "/collect");

        Cli.Result open = users.run("bob", "open", report.toString(), "-o", dir.resolve("opened").toString());
        assertThat(open.exitCode()).isEqualTo(5);
        assertThat(open.errLines()).hasSize(1).first().asString().contains(foreignOrigin(),
                "safelight trust add " + foreignOrigin());
        // another key server given for this command does not make this one trusted
        Cli.Result other = users.run("bob", "open", report.toString(), "-o", dir.resolve("opened").toString(),
                "--key-server", "https://keys.elsewhere.example");
        assertThat(other.exitCode()).isEqualTo(5);
        // send, counting the media, notes it and asks nothing either
        Cli.Result send = users.run("bob", "send", report.toString(), "--to", "cloud");
        assertThat(send.stderr()).contains(foreignOrigin(), "safelight trust add");

        assertThat(received).isEmpty();
        assertThat(dir.resolve("opened")).doesNotExist();
    }

    @Test
    void a_trusted_key_server_gets_only_its_origins_key_route_and_a_token_worthless_anywhere_else()
            throws Exception {
        Cli.Result trust = users.run("bob", "trust", "add", foreignOrigin() + "/ignored/path");
        assertThat(trust.exitCode()).as(trust.stderr()).isZero();
        Path report = hostileReport(foreignOrigin() + "/steal/here?to=elsewhere#frag");
        String reportId = report.getFileName().toString().replace(".picsafe", "");

        Cli.Result open = users.run("bob", "open", report.toString(), "-o", dir.resolve("opened").toString());
        assertThat(open.exitCode()).isEqualTo(5);
        assertThat(received).hasSize(1);
        assertThat(received.get(0)[0]).isEqualTo("GET");
        assertThat(received.get(0)[1]).isEqualTo("/api/v1/reports/" + reportId + "/key");
        String stolen = received.get(0)[2].substring("Bearer ".length());
        assertThat(stolen).isNotEqualTo(Credentials.load(users.env("bob")).orElseThrow().accessToken());

        // The attacker replays what it got everywhere else: accounts, enterprise, cloud, and a real key server.
        for (String path : List.of("/api/v1/accounts/me", "/api/v1/enterprise", "/api/v1/enterprise/api-keys",
                "/api/v1/accounts/me/reports", "/api/v1/cloud/allowance", "/api/v1/reports/" + reportId + "/key")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    server.url().resolve(path)).header("Authorization", "Bearer " + stolen).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(401);
            assertThat(r.body()).as(path).contains("invalid_token");
        }
        HttpResponse<String> exchange = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.url().resolve("/api/v1/accounts/key-server-token")).header("Authorization", "Bearer " + stolen)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"key_server\": \"" + server.url() + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(exchange.statusCode()).isEqualTo(401);
    }

    @Test
    void the_trust_list_keeps_origins_privately_and_refuses_plain_http_to_other_hosts() throws Exception {
        assertThat(users.run("bob", "trust", "add", "HTTPS://Keys.Partner.example:443/api/v1/").out())
                .contains("https://keys.partner.example");
        Path file = Path.of(users.env("bob").get("XDG_CONFIG_HOME"), "safelight", "trusted-key-servers");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        Cli.Result plain = users.run("bob", "trust", "add", "http://keys.partner.example");
        assertThat(plain.exitCode()).isEqualTo(2);
        assertThat(plain.errLines()).hasSize(1).first().asString().contains("plain http");

        assertThat(users.run("bob", "trust", "list").out()).contains(
                KeyServerOrigins.of(server.url()) + " (signed in)", "https://keys.partner.example");
        assertThat(users.run("bob", "trust", "remove", "https://keys.partner.example/x").out())
                .contains("No longer trusted");
        assertThat(users.run("bob", "trust", "list").out()).doesNotContain("keys.partner.example");
    }

    /** The origin text of a server URL. */
    private static final class KeyServerOrigins {
        static String of(URI url) {
            return org.safelight.client.KeyServerTrust.origin(url.toString());
        }
    }
}
