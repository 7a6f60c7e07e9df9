package org.safelight.endpoint.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.EndpointSettings;
import org.safelight.endpoint.testing.EndpointServer;
import org.safelight.endpoint.testing.EndpointServer.Answer;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.format.testing.HostileZips;
import org.safelight.server.db.Database;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.tokens.TokenType;

/** POST /api/report over real HTTP, built by the endpoint's wiring. */
class ReportRouteTest {
    private static final String ID = "0000000011462800528240abcde";
    private static final String SENDER = "noor.haddad@hospital.example";
    @TempDir
    Path dir;
    private Database db;
    private EndpointServer server;

    private EndpointServer start(EndpointSettings settings, TrustedProxies proxies) throws Exception {
        db = TestDatabases.sqlite();
        server = new EndpointServer(db, dir, java.time.Clock.systemUTC(), settings, proxies);
        return server;
    }

    private EndpointServer start() throws Exception {
        return start(EndpointSettings.defaults(), TrustedProxies.NONE);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private static void refused(Answer a, int status, String code) {
        assertThat(a.status()).as(a.body().toString()).isEqualTo(status);
        assertThat(a.body().path("success").isBoolean()).isTrue();
        assertThat(a.body().path("success").asBoolean()).isFalse();
        assertThat(a.body().path("error").asText()).isEqualTo(code);
        assertThat(a.body().path("message").asText()).isNotBlank();
    }

    private long received() throws Exception {
        Path folder = dir.resolve("endpoint/received");
        if (!Files.exists(folder)) {
            return 0;
        }
        try (Stream<Path> all = Files.list(folder)) {
            return all.count();
        }
    }

    @Test
    void a_sealed_report_posted_with_an_endpoint_token_is_acknowledged_and_then_filed() throws Exception {
        start();
        Answer a = server.post(server.endpointToken(SENDER, true), TestReports.forInstitution(ID,
                org.safelight.format.testing.Keys.rsa().getPublic()), ID + ".picsafe");

        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        assertThat(a.body().path("success").asBoolean()).isTrue();
        assertThat(a.body().path("report_id").asText()).isEqualTo(ID);
        assertThat(server.post(server.endpointToken(SENDER, true), TestReports.plain("p-1"), "p-1.zip",
                Map.of()).status()).as("plain over plain HTTP").isEqualTo(403);
    }

    @Test
    void received_files_are_kept_in_the_folder_given_which_instances_on_one_database_share() throws Exception {
        Path shared = dir.resolve("network-mount/received");
        start(EndpointSettings.defaults().withReceived(shared), TrustedProxies.NONE);

        Answer a = server.post(server.endpointToken(SENDER, true), TestReports.forInstitution(ID,
                org.safelight.format.testing.Keys.rsa().getPublic()), ID + ".picsafe");

        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        try (Stream<Path> files = Files.list(shared)) {
            assertThat(files.filter(p -> !p.getFileName().toString().startsWith("."))).hasSize(1);
        }
        assertThat(received()).as("nothing in DATA_DIR/endpoint/received").isZero();
    }

    @Test
    void a_plain_report_is_filed_by_the_pipeline_once_acknowledged() throws Exception {
        start(EndpointSettings.defaults().withAllowPlainHttp(true), TrustedProxies.NONE);
        server.startWorkers();

        Answer a = server.post(server.endpointToken(SENDER, true), TestReports.plain(ID), "package.zip");

        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
        Path filed = dir.resolve("endpoint/filed/" + ID + "/report.json");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!Files.exists(filed) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(filed).exists();
        assertThat(Files.readString(filed)).contains(SENDER);
    }

    @Test
    void user_tokens_key_server_tokens_and_no_token_are_refused_and_nothing_is_stored() throws Exception {
        start();
        byte[] file = TestReports.dynamic(ID, "k3y", "https://keys.hospital.example");

        refused(server.post(server.tokenOfType(SENDER, TokenType.USER), file, ID + ".picsafe"), 401, "invalid_token");
        refused(server.post(server.tokenOfType(SENDER, TokenType.KEY_SERVER), file, ID + ".picsafe"), 401, "invalid_token");
        refused(server.post("not.a.token", file, ID + ".picsafe"), 401, "invalid_token");
        refused(server.post(null, file, ID + ".picsafe"), 401, "invalid_token");
        assertThat(received()).isZero();
    }

    @Test
    void an_unverified_sender_and_a_sender_outside_the_senders_file_are_refused() throws Exception {
        start();
        Files.writeString(dir.resolve("endpoint/senders"), "# staff only\n*@hospital.example\n");
        byte[] file = TestReports.dynamic(ID, "k3y", "https://keys.hospital.example");

        refused(server.post(server.endpointToken(SENDER, false), file, ID + ".picsafe"), 403, "email_unverified");
        refused(server.post(server.endpointToken("someone@elsewhere.example", true), file, ID + ".picsafe"), 403,
                "sender_not_allowed");
        assertThat(server.post(server.endpointToken(SENDER, true), file, ID + ".picsafe").status()).isEqualTo(200);
    }

    @Test
    void a_plain_report_over_plain_http_is_refused_unless_a_trusted_proxy_says_the_client_used_https() throws Exception {
        start(EndpointSettings.defaults(), TrustedProxies.parse(List.of("127.0.0.1")));
        byte[] plain = TestReports.plain(ID);

        refused(server.post(server.endpointToken(SENDER, true), plain, "package.zip"), 403, "plain_over_http");
        refused(server.post(server.endpointToken(SENDER, true), plain, "package.zip",
                Map.of("X-Forwarded-Proto", "http")), 403, "plain_over_http");
        assertThat(received()).isZero();

        Answer viaProxy = server.post(server.endpointToken(SENDER, true), plain, "package.zip",
                Map.of("X-Forwarded-Proto", "https"));
        assertThat(viaProxy.status()).as(viaProxy.body().toString()).isEqualTo(200);
    }

    @Test
    void a_client_cannot_claim_https_for_itself() throws Exception {
        start();
        refused(server.post(server.endpointToken(SENDER, true), TestReports.plain(ID), "package.zip",
                Map.of("X-Forwarded-Proto", "https")), 403, "plain_over_http");
    }

    @Test
    void an_oversized_file_is_refused_with_413() throws Exception {
        start(EndpointSettings.defaults().withMaxSize(1000), TrustedProxies.NONE);
        byte[] big = TestReports.dynamic(ID, "k3y", "https://keys.hospital.example");
        assertThat(big.length).isGreaterThan(1000);

        refused(server.post(server.endpointToken(SENDER, true), big, ID + ".picsafe"), 413, "too_large");
        byte[] huge = new byte[200_000];
        System.arraycopy(big, 0, huge, 0, big.length);
        refused(server.post(server.endpointToken(SENDER, true), huge, ID + ".picsafe"), 413, "too_large");
        assertThat(received()).isZero();
    }

    @Test
    void hostile_zips_and_files_that_are_not_reports_are_refused_with_400() throws Exception {
        start();
        String token = server.endpointToken(SENDER, true);
        byte[] sealed = TestReports.dynamic(ID, "k3y", "https://keys.hospital.example");

        refused(server.post(token, HostileZips.appended(sealed, TestReports.plain(ID)), ID + ".picsafe"), 400, "unsafe_zip");
        refused(server.post(token, HostileZips.splitView(sealed, TestReports.plain(ID)), ID + ".picsafe"), 400,
                "unsafe_zip");
        refused(server.post(token, "just text".getBytes(), ID + ".picsafe"), 400, "not_a_report");
        assertThat(received()).isZero();
    }

    @Test
    void a_form_without_the_file_or_not_multipart_is_refused_with_400() throws Exception {
        start();
        refused(server.post(server.endpointToken(SENDER, true), null, null), 400, "bad_request");
        refused(server.send("application/json", "{}".getBytes(), Map.of()), 400, "bad_request");
    }

    @Test
    void the_same_report_again_is_answered_as_the_first_and_another_under_its_id_is_a_conflict() throws Exception {
        start();
        String token = server.endpointToken(SENDER, true);
        byte[] file = TestReports.dynamic(ID, "k3y", "https://keys.hospital.example");
        assertThat(server.post(token, file, ID + ".picsafe").status()).isEqualTo(200);

        Answer again = server.post(token, file, ID + ".picsafe");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("report_id").asText()).isEqualTo(ID);
        refused(server.post(token, TestReports.dynamic(ID, "other", "https://keys.hospital.example"), ID + ".picsafe"),
                409, "report_id_conflict");
    }
}
