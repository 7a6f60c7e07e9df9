package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.TestDatabases;

/**
 * My reports, one row per report: the uploads the cloud role records and the sends clients record,
 * merged; the sends' channels and recipients checked strictly. On SQLite and PostgreSQL.
 */
class MyReportsHttpTest {
    private static final String REPORT = "0000000011462800528240";
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> upload(AccountsServer server, String token, String reportId, String random)
            throws Exception {
        String name = random + "-" + reportId;
        String body = """
                {"report_id": "%s", "region": "AU", "link": "%s/app/report/AU/%s",
                 "download_url": "%s/api/v1/cloud/reports/AU/%s", "size": 4321, "expires_at": "%s",
                 "keyserver_url": "https://Keys.Hospital.example:443/some/path"}"""
                .formatted(reportId, server.base, name, server.base, name,
                        server.clock.instant().plus(Duration.ofDays(7)));
        return http.send(HttpRequest.newBuilder(URI.create(server.base + "/api/v1/accounts/me/reports"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .header(ServiceCredential.HEADER, AccountsServer.CLOUD_SERVICE_CREDENTIAL)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(AccountsServer server, String token, String reportId, String json) {
        return server.post("/api/v1/accounts/me/reports/" + reportId + "/sends", json, token);
    }

    private static JsonNode reports(AccountsServer server, String token) {
        HttpResponse<String> r = server.get("/api/v1/accounts/me/reports", token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).get("reports");
    }

    private static List<String> sends(JsonNode row) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : row.get("sends")) {
            out.add(s.get("channel").asText() + " " + s.path("recipient").asText("-") + " " + s.get("sent_at").asText());
        }
        return out;
    }

    @EachDatabase
    void a_report_sent_twice_is_one_row_with_both_sends_newest_first(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            server.signUpVerified("ada@hospital.example");
            String ada = server.accessToken("ada@hospital.example");
            Instant first = server.clock.instant();
            assertThat(upload(server, ada, REPORT, "A".repeat(22)).statusCode()).isEqualTo(201);
            assertThat(send(server, ada, REPORT, "{\"channel\": \"sms\", \"recipient\": \"+61400123456\"}")
                    .statusCode()).isEqualTo(204);
            server.clock.advance(Duration.ofHours(2));
            ada = server.accessToken("ada@hospital.example");
            Instant second = server.clock.instant();
            assertThat(upload(server, ada, REPORT, "B".repeat(22)).statusCode()).isEqualTo(201);
            assertThat(send(server, ada, REPORT, "{\"channel\": \"email\", \"recipient\": \"Ben@Ward.example\"}")
                    .statusCode()).isEqualTo(204);

            JsonNode rows = reports(server, ada);

            assertThat(rows).hasSize(1);
            JsonNode row = rows.get(0);
            assertThat(row.get("report_id").asText()).isEqualTo(REPORT);
            assertThat(row.get("first_sent_at").asText()).isEqualTo(first.toString());
            assertThat(row.get("last_sent_at").asText()).isEqualTo(second.toString());
            assertThat(row.get("keyserver_url").asText()).isEqualTo("https://keys.hospital.example");
            assertThat(row.get("link").asText()).isEqualTo(server.base + "/app/report/AU/" + "B".repeat(22) + "-" + REPORT);
            assertThat(row.get("expires_at").asText()).isEqualTo(second.plus(Duration.ofDays(7)).toString());
            assertThat(row.get("expired").asBoolean()).isFalse();
            assertThat(row.get("size").asLong()).isEqualTo(4321);
            assertThat(sends(row)).containsExactly("email ben@ward.example " + second, "sms +61400123456 " + first);
        }
    }

    @EachDatabase
    void an_upload_nobody_recorded_a_send_for_is_a_send_to_the_cloud_and_a_direct_send_has_no_link(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            server.signUpVerified("ada@hospital.example");
            String ada = server.accessToken("ada@hospital.example");
            Instant uploaded = server.clock.instant();
            upload(server, ada, REPORT, "A".repeat(22));
            server.clock.advance(Duration.ofMinutes(5));
            Instant direct = server.clock.instant();
            assertThat(send(server, ada, "R-direct", "{\"channel\": \"fhir\", \"recipient\": \"https://fhir.ward.example/r4\"}")
                    .statusCode()).isEqualTo(204);

            JsonNode rows = reports(server, ada);

            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).get("report_id").asText()).isEqualTo("R-direct");
            assertThat(rows.get(0).has("link")).isFalse();
            assertThat(rows.get(0).has("expires_at")).isFalse();
            assertThat(rows.get(0).has("keyserver_url")).isFalse();
            assertThat(rows.get(0).get("expired").asBoolean()).isFalse();
            assertThat(sends(rows.get(0))).containsExactly("fhir https://fhir.ward.example/r4 " + direct);
            assertThat(sends(rows.get(1))).containsExactly("cloud - " + uploaded);
        }
    }

    @EachDatabase
    void an_expired_report_keeps_its_row_without_a_link_and_anothers_sends_never_show(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            server.signUpVerified("ada@hospital.example");
            server.signUpVerified("bob@hospital.example");
            String ada = server.accessToken("ada@hospital.example");
            upload(server, ada, REPORT, "A".repeat(22));
            send(server, server.accessToken("bob@hospital.example"), REPORT,
                    "{\"channel\": \"sms\", \"recipient\": \"+61400999999\"}");
            server.clock.advance(Duration.ofDays(8));

            JsonNode rows = reports(server, server.accessToken("ada@hospital.example"));

            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get("expired").asBoolean()).isTrue();
            assertThat(rows.get(0).has("link")).isFalse();
            assertThat(rows.get(0).has("expires_at")).isTrue();
            assertThat(rows.toString()).doesNotContain("+61400999999");
        }
    }

    @EachDatabase
    void a_send_with_an_unknown_channel_or_a_recipient_its_channel_cannot_have_is_refused_without_quoting_it(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            server.signUpVerified("ada@hospital.example");
            String ada = server.accessToken("ada@hospital.example");
            List<String> refused = List.of(
                    "{\"channel\": \"pigeon\"}",
                    "{\"channel\": \"SMS\", \"recipient\": \"+61400123456\"}",
                    "{}",
                    "{\"channel\": \"sms\", \"recipient\": \"0400 123 456\"}",
                    "{\"channel\": \"whatsapp\", \"recipient\": \"+61400123456\\nBcc: x\"}",
                    "{\"channel\": \"email\", \"recipient\": \"not-an-address\"}",
                    "{\"channel\": \"endpoint\", \"recipient\": \"https://user:secret@ward.example/in\"}",
                    "{\"channel\": \"endpoint\", \"recipient\": \"ftp://ward.example/in\"}",
                    "{\"channel\": \"fhir\", \"recipient\": \"https://ward.example/" + "x".repeat(2100) + "\"}",
                    "{\"channel\": \"cloud\", \"recipient\": \"+61400123456\"}",
                    "{\"channel\": \"sms\", \"recipient\": 61400123456}");

            for (String body : refused) {
                HttpResponse<String> r = send(server, ada, REPORT, body);
                assertThat(r.statusCode()).as(body).isEqualTo(400);
                assertThat(json(r).get("error").asText()).isEqualTo("bad_request");
                assertThat(r.body()).doesNotContain("61400123456", "not-an-address", "secret", "ftp:");
            }
            HttpResponse<String> badId = send(server, ada, "has.dot", "{\"channel\": \"cloud\"}");
            HttpResponse<String> anonymous = send(server, null, REPORT, "{\"channel\": \"cloud\"}");

            assertThat(badId.statusCode()).isEqualTo(400);
            assertThat(json(badId).get("error").asText()).isEqualTo("invalid_report_id");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(reports(server, ada)).isEmpty();
        }
    }

    @EachDatabase
    void sends_are_forgotten_once_their_report_is_off_the_list(DatabaseEngine engine, Supplier<Database> fresh)
            throws Exception {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            server.signUpVerified("ada@hospital.example");
            String ada = server.accessToken("ada@hospital.example");
            send(server, ada, REPORT, "{\"channel\": \"sms\", \"recipient\": \"+61400123456\"}");
            server.clock.advance(Duration.ofDays(38));

            server.stores.purgeExpired(server.clock.instant());

            long rows = server.db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM report_sends")
                    .mapTo(Long.class).one());
            assertThat(rows).isZero();
        }
    }

    @Test
    void no_recipient_is_ever_logged_even_when_the_database_fails() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        try (AccountsServer server = AccountsServer.startOn(TestDatabases.sqlite())) {
            server.signUpVerified("ada@hospital.example");
            String ada = server.accessToken("ada@hospital.example");
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            send(server, ada, REPORT, "{\"channel\": \"sms\", \"recipient\": \"+61400123456\"}");
            send(server, ada, REPORT, "{\"channel\": \"email\", \"recipient\": \"ben@ward.example\"}");
            send(server, ada, REPORT, "{\"channel\": \"sms\", \"recipient\": \"+61 499 888 777\"}");
            reports(server, ada);
            server.db.jdbi().useHandle(h -> h.execute("DROP TABLE report_sends"));
            HttpResponse<String> failed = send(server, ada, REPORT,
                    "{\"channel\": \"whatsapp\", \"recipient\": \"+61400555666\"}");
            assertThat(failed.statusCode()).isEqualTo(500);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the failure was logged at all").contains("unexpected");
        assertThat(log).doesNotContain("61400123456", "ben@ward.example", "499 888 777", "61400555666");
    }
}
