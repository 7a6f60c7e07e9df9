package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.endpoint.EndpointSettings;
import org.safelight.endpoint.EndpointWiring;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServiceCredential;

/**
 * A plain, a dynamic-key and a static-key report, each sent with {@code safelight send --to
 * endpoint:URL}, land in the folder destination of a real endpoint role (its own server, trusting
 * the accounts and key server of another), opened with the enterprise's Key Server Token or the
 * institution's private key.
 */
class SendToTheEndpointRoleEndToEndTest {
    @TempDir
    Path dir;

    /** The secret the accounts server and the endpoint apart from it share (the admin check). */
    private static final ServeConfig.Cloud SHARED = ServeConfig.Cloud.DEFAULTS.withServiceCredential(
            new ServiceCredential("send-to-endpoint-test-service-credential-0123456789"));

    private SafelightServer accounts;
    private SafelightServer endpoint;
    private String url;
    private String endpointUrl;
    private TestUsers users;
    private Path publicKey;
    private Path filed;

    @BeforeEach
    void start() throws Exception {
        accounts = TestServer.start(dir.resolve("data"), Set.of("accounts", "keys"), null, SHARED, Clock.systemUTC());
        url = accounts.url().toString();
        users = new TestUsers(dir, dir.resolve("data"), url);
        Cli.Result created = Cli.run("admin", "enterprise", "create", "--data-dir", dir.resolve("data").toString(),
                "--name", "Example Hospital", "--admin", "it@hospital.example", "--domains", "hospital.example");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        users.signUpVerifyAndLogIn("it", "it@hospital.example");
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        String keyServerToken = users.run("it", "enterprise", "key-server-token", "new").out().lines().findFirst()
                .orElseThrow();
        Path[] keys = Fixtures.institutionKeys(dir.resolve("keys"));
        publicKey = keys[0];
        Path privateKeys = Files.createDirectories(dir.resolve("private-keys"));
        Files.copy(keys[1], privateKeys.resolve("institution.pem"));
        Fixtures.draft(dir.resolve("draft"));
        filed = dir.resolve("filed");

        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        endpointUrl = "http://localhost:" + port;
        Path data = dir.resolve("endpoint-data");
        ServeConfig config = new ServeConfig(data, "127.0.0.1", port, Set.of(), Database.sqliteUrl(data), null, null,
                accounts.url(), URI.create(endpointUrl), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60, SHARED)
                .with(new EndpointWiring(EndpointSettings.defaults().withFolder(filed).withAllowPlainHttp(true)
                        .withKeys(List.of(accounts.url()), keyServerToken, privateKeys)));
        endpoint = SafelightServer.start(config, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
        accounts.close();
    }

    private Path seal(String... protection) throws Exception {
        Path out = dir.resolve("sealed-" + System.nanoTime());
        String[] args = Stream.concat(Stream.of("seal", dir.resolve("draft").toString(), "-o", out + "/"),
                Stream.of(protection)).toArray(String[]::new);
        Cli.Result seal = users.run("ada", args);
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        try (Stream<Path> sealed = Files.list(out)) {
            return sealed.findFirst().orElseThrow();
        }
    }

    private String sendAndExpectFiled(Path report, String... more) throws Exception {
        String[] args = Stream.concat(Stream.of("send", report.toString(), "--to", "endpoint:" + endpointUrl),
                Stream.of(more)).toArray(String[]::new);
        Cli.Result sent = users.run("ada", args);
        assertThat(sent.exitCode()).as(sent.stderr()).isZero();
        String id = report.getFileName().toString().replaceAll("\\.(picsafe|zip)$", "");
        assertThat(sent.out()).contains("Sent report " + id + " to " + endpointUrl);
        Path folder = filed.resolve(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(folder.resolve("report.json"))) {
            assertThat(System.nanoTime()).as("filed within 60 s: " + folder).isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(folder.resolve("metadata.json")).exists();
        assertThat(folder.resolve("report.pdf")).exists();
        JsonNode reportJson = new ObjectMapper().readTree(folder.resolve("report.json").toFile());
        assertThat(reportJson.path("sender_email").asText()).isEqualTo("ada@hospital.example");
        assertThat(reportJson.path("sender_verified").asBoolean()).isTrue();
        return reportJson.path("kind").asText();
    }

    @Test
    void a_dynamic_key_report_sent_with_the_cli_is_filed_with_the_key_server_tokens_key() throws Exception {
        assertThat(sendAndExpectFiled(seal("--keyserver", url))).isEqualTo("dynamic");
    }

    @Test
    void a_static_key_report_sent_with_the_cli_is_filed_with_the_institutions_private_key() throws Exception {
        assertThat(sendAndExpectFiled(seal("--static-key", publicKey.toString()))).isEqualTo("static");
    }

    @Test
    void a_plain_report_sent_with_the_cli_is_filed_when_plain_http_is_allowed_on_both_sides() throws Exception {
        assertThat(sendAndExpectFiled(seal("--plain"), "--allow-plain-http")).isEqualTo("plain");
    }
}
