package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.accounts.AccountsSettings;
import org.safelight.accounts.AccountsWiring;
import org.safelight.accounts.sends.SendLimits;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.endpoint.EndpointSettings;
import org.safelight.endpoint.EndpointWiring;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.format.picsafe.Protection;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.testing.Ports;

/**
 * The accounts role sends a member's sealed report to the enterprise's endpoint destination, a real
 * endpoint role on its own server: posted with a token for that endpoint made for the member, the
 * report is filed there as theirs; the endpoint's refusal comes back as destination_refused with
 * its code.
 */
class SendToADestinationEndToEndTest {
    @TempDir
    Path dir;

    private static final ServeConfig.Cloud SHARED = ServeConfig.Cloud.DEFAULTS.withServiceCredential(
            new ServiceCredential("send-to-destination-test-service-credential-0123456789"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private SafelightServer accounts;
    private SafelightServer endpoint;
    private String url;
    private TestUsers users;
    private Path filed;
    private String destination;

    @BeforeEach
    void start() throws Exception {
        Path data = dir.resolve("data");
        // the endpoint listens on plain http here: the operator allows such destinations for testing
        accounts = Ports.onFreePort(port -> SafelightServer.start(new ServeConfig(data, "127.0.0.1", port,
                Set.of("accounts", "keys"), Database.sqliteUrl(data), null, null, null,
                URI.create("http://localhost:" + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60, SHARED)
                .with(new AccountsWiring(new AccountsSettings("", 587, "", "", "safelight@localhost", false,
                        new SendLimits(25_000_000, 50, true).withPrivateAddresses(true)))), Clock.systemUTC()));
        url = accounts.url().toString();
        users = new TestUsers(dir, data, url);
        Cli.Result created = Cli.run("admin", "enterprise", "create", "--data-dir", data.toString(),
                "--name", "Example Hospital", "--admin", "it@hospital.example", "--domains", "hospital.example");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        users.signUpVerifyAndLogIn("it", "it@hospital.example");
        users.signUpVerifyAndLogIn("ada", "ada@hospital.example");
        String keyServerToken = users.run("it", "enterprise", "key-server-token", "new").out().lines().findFirst()
                .orElseThrow();
        Fixtures.draft(dir.resolve("draft"));
        filed = dir.resolve("filed");

        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String endpointUrl = "http://localhost:" + port;
        Path endpointData = dir.resolve("endpoint-data");
        endpoint = SafelightServer.start(new ServeConfig(endpointData, "127.0.0.1", port, Set.of(),
                Database.sqliteUrl(endpointData), null, null, accounts.url(), URI.create(endpointUrl), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60, SHARED)
                .with(new EndpointWiring(EndpointSettings.defaults().withFolder(filed)
                        .withKeys(List.of(accounts.url()), keyServerToken, Files.createDirectories(dir.resolve("pk"))))),
                Clock.systemUTC());

        HttpResponse<String> added = post("/api/v1/enterprise/destinations", token("it"),
                "application/json", ("{\"kind\": \"endpoint\", \"name\": \"Medical records\", \"url\": \""
                        + endpointUrl + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        destination = JSON.readTree(added.body()).path("id").asText();
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
        accounts.close();
    }

    private String token(String who) throws Exception {
        String email = who + "@hospital.example";
        HttpResponse<String> r = post("/api/v1/accounts/signin", null, "application/json", JSON.writeValueAsBytes(
                java.util.Map.of("email", email, "password", users.env(who).get("SAFELIGHT_PASSWORD"))));
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    private HttpResponse<String> post(String path, String bearer, String type, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String reportId, byte[] file) throws Exception {
        String boundary = "----destination" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"report_id\"\r\n\r\n" + reportId
                + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"picsafe_file\"; filename=\""
                + reportId + ".picsafe\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return post("/api/v1/accounts/me/destinations/" + destination + "/reports", token("ada"),
                "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    @Test
    void the_report_is_filed_by_the_institutions_endpoint_as_the_members_and_a_refusal_comes_back() throws Exception {
        Path sealed = users.seal("ada", dir.resolve("draft"));
        String id = sealed.getFileName().toString().replace(".picsafe", "");

        HttpResponse<String> sent = send(id, Files.readAllBytes(sealed));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        assertThat(JSON.readTree(sent.body()).path("name").asText()).isEqualTo("Medical records");

        Path folder = filed.resolve(id);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(folder.resolve("report.json"))) {
            assertThat(System.nanoTime()).as("filed within 60 s: " + folder).isLessThan(deadline);
            Thread.sleep(100); // polling the folder the endpoint files into, with a deadline
        }
        JsonNode report = JSON.readTree(folder.resolve("report.json").toFile());
        assertThat(report.path("sender_email").asText()).isEqualTo("ada@hospital.example");
        assertThat(report.path("kind").asText()).isEqualTo("dynamic");
        assertThat(folder.resolve("report.pdf")).exists();

        // another report under the same ID: the endpoint refuses it, and its code comes back
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        PicsafeWriter.write(other, new Protection.DynamicKey("another key", url), id,
                o -> o.write("something else".getBytes(StandardCharsets.UTF_8)));
        HttpResponse<String> refused = send(id, other.toByteArray());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
        JsonNode answer = JSON.readTree(refused.body());
        assertThat(answer.path("error").asText()).isEqualTo("destination_refused");
        // its code only: the remote's words are not passed on to members
        assertThat(answer.path("message").asText()).startsWith("Medical records refused the report (report_id_conflict)");

        JsonNode sends = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/accounts/me/reports"))
                .header("Authorization", "Bearer " + token("ada")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .path("reports").get(0).path("sends");
        assertThat(sends).hasSize(1);
        assertThat(sends.get(0).path("channel").asText()).isEqualTo("endpoint");
    }
}
