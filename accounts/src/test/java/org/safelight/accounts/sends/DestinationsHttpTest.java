package org.safelight.accounts.sends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.sends.EmailReportHttpTest.assertRefused;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.safelight.accounts.mail.SmtpMailer;
import org.safelight.accounts.mail.SmtpSettings;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.testing.SealedFiles;
import org.safelight.server.testing.Ports;

/**
 * The enterprise's destinations: its admin lists, adds and removes them (no one else may); its
 * members see them and send to them (a mailbox gets the report by email through GreenMail); an id
 * of another enterprise's destination is unknown to them.
 */
class DestinationsHttpTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static final String ID = "0000000011764300000001";
    private static final String KEYS = "https://keys.stv.example";

    private static AccountsServer start(boolean allowHttp) throws Exception {
        return start(new SendLimits(1_000_000, 50, allowHttp).withPrivateAddresses(allowHttp), SMTP);
    }

    /** With these limits and that mail server, the two enterprises and their confirmed people. */
    static AccountsServer start(SendLimits limits, GreenMailExtension smtp) throws Exception {
        SmtpSettings relay = new SmtpSettings("localhost", smtp.getSmtp().getPort(), "", "",
                "Safelight <no-reply@safelight.test>", false);
        AccountsServer server = AccountsServer.start(limits,
                (dir, clock) -> new SmtpMailer(relay, clock));
        server.stores.enterprises().create("St Vincent's", "it@stv.example", List.of("stv.example"), List.of());
        server.stores.enterprises().create("Northside", "it@north.example", List.of("north.example"), List.of());
        for (String email : List.of("it@stv.example", "ada@stv.example", "it@north.example", "bo@north.example",
                "cy@nowhere.example")) {
            EmailReportHttpTest.confirmed(server, email, smtp);
        }
        return server;
    }

    static JsonNode add(AccountsServer server, String token, String json) {
        HttpResponse<String> r = server.post("/api/v1/enterprise/destinations", json, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return AccountsServer.json(r);
    }

    static HttpResponse<String> send(AccountsServer server, String token, String destination, byte[] file) {
        return server.postFile("/api/v1/accounts/me/destinations/" + destination + "/reports", token,
                Map.of("report_id", ID), ID + ".picsafe", file);
    }

    @Test
    void only_the_admin_lists_adds_and_removes_and_what_is_listed_is_checked() throws Exception {
        try (AccountsServer server = start(false)) {
            String admin = server.accessToken("it@stv.example");
            String member = server.accessToken("ada@stv.example");
            String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(
                    rsaPublicKey()) + "\n-----END PUBLIC KEY-----\n";

            JsonNode intake = add(server, admin, "{\"kind\": \"endpoint\", \"name\": \"Medical records\","
                    + " \"url\": \"https://intake.stv.example/\", \"static_key\": " + Json.quote(pem) + "}");
            assertThat(intake.path("url").asText()).isEqualTo("https://intake.stv.example");
            JsonNode mailbox = add(server, admin, "{\"kind\": \"mailbox\", \"name\": \"Wound clinic\","
                    + " \"address\": \"Wounds@STV.example\"}");
            assertThat(mailbox.path("address").asText()).isEqualTo("wounds@stv.example");

            for (String bad : List.of("{\"kind\": \"endpoint\", \"name\": \"x\", \"url\": \"http://intake.stv.example\"}",
                    "{\"kind\": \"endpoint\", \"name\": \"x\", \"url\": \"https://u:p@intake.stv.example\"}",
                    "{\"kind\": \"endpoint\", \"name\": \"x\", \"url\": \"https://i.example\", \"static_key\": \"nope\"}",
                    "{\"kind\": \"mailbox\", \"name\": \"x\", \"address\": \"a@b.example, c@d.example\"}",
                    "{\"kind\": \"mailbox\", \"name\": \"\", \"address\": \"a@b.example\"}",
                    "{\"kind\": \"fax\", \"name\": \"x\"}")) {
                assertRefused(server.post("/api/v1/enterprise/destinations", bad, admin), 400, "bad_request");
            }
            assertRefused(server.post("/api/v1/enterprise/destinations", "{\"kind\": \"mailbox\", \"name\": \"x\","
                    + " \"address\": \"a@b.example\"}", member), 403, "not_enterprise_admin");
            assertRefused(server.get("/api/v1/enterprise/destinations", member), 403, "not_enterprise_admin");
            assertRefused(server.delete("/api/v1/enterprise/destinations/" + mailbox.path("id").asText(), member), 403,
                    "not_enterprise_admin");

            JsonNode listed = AccountsServer.json(server.get("/api/v1/enterprise/destinations", admin));
            assertThat(listed.path("destinations")).hasSize(2);
            assertThat(listed.path("destinations").get(0).path("static_key").asText()).isEqualTo(pem.strip());

            JsonNode seen = AccountsServer.json(server.get("/api/v1/accounts/me/destinations", member));
            assertThat(seen.path("destinations")).hasSize(2);
            assertThat(seen.path("destinations").get(1).path("name").asText()).isEqualTo("Wound clinic");
            assertThat(seen.path("destinations").get(1).path("kind").asText()).isEqualTo("mailbox");
            assertThat(seen.toString()).as("members see names, not addresses").doesNotContain("wounds@", "intake.stv");
            assertThat(AccountsServer.json(server.get("/api/v1/accounts/me/destinations",
                    server.accessToken("bo@north.example"))).path("destinations")).isEmpty();
            assertThat(AccountsServer.json(server.get("/api/v1/accounts/me/destinations",
                    server.accessToken("cy@nowhere.example"))).path("destinations")).isEmpty();

            String northAdmin = server.accessToken("it@north.example");
            assertRefused(server.delete("/api/v1/enterprise/destinations/" + mailbox.path("id").asText(), northAdmin),
                    404, "unknown_destination");
            assertThat(server.delete("/api/v1/enterprise/destinations/" + mailbox.path("id").asText(), admin)
                    .statusCode()).isEqualTo(204);
            assertRefused(server.delete("/api/v1/enterprise/destinations/" + mailbox.path("id").asText(), admin),
                    404, "unknown_destination");
        }
    }

    @Test
    void a_member_sends_to_the_mailbox_and_it_arrives_attached_while_another_enterprise_cannot_use_it()
            throws Exception {
        try (AccountsServer server = start(false)) {
            JsonNode mailbox = add(server, server.accessToken("it@stv.example"),
                    "{\"kind\": \"mailbox\", \"name\": \"Wound clinic\", \"address\": \"wounds@stv.example\"}");
            String id = mailbox.path("id").asText();
            byte[] sealed = SealedFiles.sealed(ID, KEYS, 100_000);

            assertRefused(send(server, server.accessToken("bo@north.example"), id, sealed), 404, "unknown_destination");
            assertRefused(send(server, server.accessToken("cy@nowhere.example"), id, sealed), 404,
                    "unknown_destination");
            String ada = server.accessToken("ada@stv.example");
            assertRefused(send(server, ada, id, SealedFiles.plain(ID, 1000)), 400, "not_a_sealed_report");
            assertThat(SMTP.getReceivedMessages()).isEmpty();

            HttpResponse<String> sent = send(server, ada, id, sealed);
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
            assertThat(AccountsServer.json(sent).path("name").asText()).isEqualTo("Wound clinic");
            MimeMessage[] received = SMTP.getReceivedMessages();
            assertThat(received).hasSize(1);
            assertThat(received[0].getAllRecipients()[0].toString()).isEqualTo("wounds@stv.example");
            assertThat(ReportMails.attached(received[0])).isEqualTo(sealed);
            assertThat(ReportMails.text(received[0])).contains("ada@stv.example sent you", "endpoint files the report");

            JsonNode send = AccountsServer.json(server.get("/api/v1/accounts/me/reports", ada)).path("reports").get(0)
                    .path("sends").get(0);
            assertThat(send.path("channel").asText()).isEqualTo("email");
            assertThat(send.path("recipient").asText()).isEqualTo("wounds@stv.example");
        }
    }

    @Test
    void an_endpoint_that_cannot_be_reached_or_is_no_endpoint_is_unavailable_or_refused() throws Exception {
        try (AccountsServer server = start(true)) {
            String admin = server.accessToken("it@stv.example");
            String down = add(server, admin, "{\"kind\": \"endpoint\", \"name\": \"Down\", \"url\": \"http://127.0.0.1:"
                    + Ports.unused() + "\"}").path("id").asText();
            // this accounts server answers /api/report, but not as an intake does
            String wrong = add(server, admin, "{\"kind\": \"endpoint\", \"name\": \"Wrong\", \"url\": \""
                    + server.base + "\"}").path("id").asText();
            String ada = server.accessToken("ada@stv.example");
            byte[] sealed = SealedFiles.sealed(ID, KEYS, 1000);

            HttpResponse<String> unavailable = send(server, ada, down, sealed);
            assertRefused(unavailable, 503, "destination_unavailable");
            assertThat(AccountsServer.json(unavailable).path("message").asText()).startsWith("Down could not be reached");
            HttpResponse<String> refused = send(server, ada, wrong, sealed);
            assertRefused(refused, 502, "destination_refused");
            // only the code it answered (this server's 404), never its words or the URL
            assertThat(AccountsServer.json(refused).path("message").asText())
                    .isEqualTo("Wrong refused the report (not_found); nothing was filed there: tell your"
                            + " enterprise's admin if this goes on");
            assertThat(AccountsServer.json(server.get("/api/v1/accounts/me/reports", ada)).path("reports")).isEmpty();
        }
    }

    private static byte[] rsaPublicKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair().getPublic().getEncoded();
    }

    /** JSON string literals for the bodies above. */
    private static final class Json {
        static String quote(String s) {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
