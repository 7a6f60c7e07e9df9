package org.safelight.accounts.sends;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * {@code POST /api/v1/accounts/me/reports/{id}/email}: the server emails a sealed report for its
 * user through a real SMTP server (GreenMail) or into the outbox, answers once it was taken, lists
 * the send, and refuses whatever must not go with the catalogue's code, sending nothing.
 */
class EmailReportHttpTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static final String ID = "0000000011764300000000";
    private static final String KEYS = "https://keys.hospital.example";

    private static AccountsServer smtpServer(SendLimits limits) {
        SmtpSettings relay = new SmtpSettings("localhost", SMTP.getSmtp().getPort(), "", "",
                "Safelight <no-reply@safelight.test>", false);
        return AccountsServer.start(limits.withKeyServers(List.of(KEYS)), (dir, clock) -> new SmtpMailer(relay, clock));
    }

    private static HttpResponse<String> email(AccountsServer server, String token, String id, String to,
                                              String fileName, byte[] file) {
        return server.postFile("/api/v1/accounts/me/reports/" + id + "/email", token, Map.of("to", to), fileName, file);
    }

    @Test
    void the_report_arrives_attached_byte_for_byte_with_the_instructions_and_is_on_the_senders_list() throws Exception {
        try (AccountsServer server = smtpServer(SendLimits.STANDARD)) {
            confirmed(server, "ada@hospital.example");
            String token = server.accessToken("ada@hospital.example");
            byte[] sealed = SealedFiles.sealed(ID, KEYS, 200_000);

            HttpResponse<String> r = email(server, token, ID, "Colleague@Elsewhere.example", ID + ".picsafe", sealed);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode answer = AccountsServer.json(r);
            assertThat(answer.path("sent").asBoolean()).isTrue();
            assertThat(answer.path("to").asText()).isEqualTo("colleague@elsewhere.example");

            // answered once the SMTP server took it: no waiting for a queue
            MimeMessage[] received = SMTP.getReceivedMessages();
            assertThat(received).hasSize(1);
            MimeMessage mail = received[0];
            assertThat(mail.getSubject()).isEqualTo("Safelight report " + ID);
            assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-generated");
            assertThat(((InternetAddress) mail.getFrom()[0]).getAddress()).isEqualTo("no-reply@safelight.test");
            assertThat(((InternetAddress) mail.getReplyTo()[0]).getAddress()).isEqualTo("ada@hospital.example");
            assertThat(ReportMails.attachment(mail).getFileName()).isEqualTo(ID + ".picsafe");
            assertThat(ReportMails.attached(mail)).isEqualTo(sealed);
            assertThat(ReportMails.text(mail)).startsWith("ada@hospital.example sent you a Safelight report")
                    .contains(server.base + "/app", "safelight open " + ID + ".picsafe");

            JsonNode mine = AccountsServer.json(server.get("/api/v1/accounts/me/reports", token));
            JsonNode send = mine.path("reports").get(0).path("sends").get(0);
            assertThat(mine.path("reports").get(0).path("report_id").asText()).isEqualTo(ID);
            assertThat(send.path("channel").asText()).isEqualTo("email");
            assertThat(send.path("recipient").asText()).isEqualTo("colleague@elsewhere.example");
        }
    }

    @Test
    void without_a_mail_relay_the_message_goes_into_the_outbox_with_the_same_attachment() throws Exception {
        try (AccountsServer server = AccountsServer.start(SendLimits.STANDARD.withKeyServers(List.of(KEYS)),
                AccountsServer::outboxMailer)) {
            server.signUpVerified("ada@hospital.example");
            String token = server.accessToken("ada@hospital.example");
            byte[] sealed = SealedFiles.sealed(ID, KEYS, 50_000);
            assertThat(email(server, token, ID, "bo@elsewhere.example", "report.picsafe", sealed).statusCode())
                    .isEqualTo(200);
            MimeMessage mail = ReportMails.reports(server.outbox().messagesTo("bo@elsewhere.example")).get(0);
            assertThat(ReportMails.attached(mail)).isEqualTo(sealed);
            assertThat(ReportMails.text(mail)).contains("ada@hospital.example sent you", ID + ".picsafe");
        }
    }

    @Test
    void what_must_not_go_is_refused_with_its_code_and_nothing_is_sent() throws Exception {
        try (AccountsServer server = smtpServer(new SendLimits(100_000, 50, false))) {
            confirmed(server, "ada@hospital.example");
            String token = server.accessToken("ada@hospital.example");
            String to = "bo@elsewhere.example";

            assertRefused(email(server, token, ID, to, ID + ".picsafe", SealedFiles.sealed(ID, KEYS, 150_000)),
                    413, "too_large");
            assertRefused(email(server, token, ID, to, ID + ".zip", SealedFiles.plain(ID, 1000)),
                    400, "not_a_sealed_report");
            assertRefused(email(server, token, ID, to, "x.picsafe", SealedFiles.otherZip()), 400, "not_a_sealed_report");
            assertRefused(email(server, token, ID, to, "x.picsafe", "not a zip at all".getBytes()), 400,
                    "not_a_sealed_report");
            assertRefused(email(server, token, ID, to, "x.picsafe", SealedFiles.sealed("0000000011764399999999", KEYS,
                    1000)), 400, "report_id_mismatch");
            assertRefused(email(server, token, ID, to, "0000000011764399999999.picsafe",
                    SealedFiles.sealed(ID, null, KEYS, 1000)), 400, "report_id_mismatch");
            assertRefused(email(server, token, "../etc", to, "x.picsafe", SealedFiles.sealed(ID, KEYS, 1000)), 404,
                    null);
            assertRefused(email(server, token, ID, "two@a.example, three@b.example", ID + ".picsafe",
                    SealedFiles.sealed(ID, KEYS, 1000)), 400, "bad_request");
            assertRefused(email(server, null, ID, to, ID + ".picsafe", SealedFiles.sealed(ID, KEYS, 1000)), 401, null);

            assertThat(SMTP.getReceivedMessages()).as("nothing sent").isEmpty();
            JsonNode mine = AccountsServer.json(server.get("/api/v1/accounts/me/reports", token));
            assertThat(mine.path("reports")).isEmpty();
        }
    }

    @Test
    void past_the_daily_count_the_server_refuses_with_retry_after_until_a_day_after_the_first() throws Exception {
        try (AccountsServer server = smtpServer(new SendLimits(1_000_000, 2, false))) {
            confirmed(server, "ada@hospital.example");
            String token = server.accessToken("ada@hospital.example");
            byte[] sealed = SealedFiles.sealed(ID, KEYS, 1000);
            assertThat(email(server, token, ID, "a@x.example", ID + ".picsafe", sealed).statusCode()).isEqualTo(200);
            server.clock.advance(Duration.ofHours(2));
            token = server.accessToken("ada@hospital.example");
            assertThat(email(server, token, ID, "b@x.example", ID + ".picsafe", sealed).statusCode()).isEqualTo(200);

            HttpResponse<String> third = email(server, token, ID, "c@x.example", ID + ".picsafe", sealed);
            assertRefused(third, 429, "rate_limited");
            assertThat(third.headers().firstValue("Retry-After")).hasValue(Long.toString(Duration.ofHours(22).toSeconds()));
            assertThat(SMTP.getReceivedMessages()).hasSize(2);

            server.clock.advance(Duration.ofHours(22).plusSeconds(1));
            token = server.accessToken("ada@hospital.example");
            assertThat(email(server, token, ID, "c@x.example", ID + ".picsafe", sealed).statusCode()).isEqualTo(200);
            assertThat(SMTP.getReceivedMessages()).hasSize(3);
        }
    }

    @Test
    void a_mail_server_that_is_down_is_destination_unavailable_and_the_send_does_not_count() throws Exception {
        SmtpSettings down = new SmtpSettings("localhost", Ports.unused(), "", "", "no-reply@safelight.test", false);
        try (AccountsServer server = AccountsServer.start(new SendLimits(1_000_000, 1, false).withKeyServers(List.of(KEYS)),
                (dir, clock) -> new SmtpMailer(down, clock))) {
            confirmed(server, "ada@hospital.example");
            String token = server.accessToken("ada@hospital.example");
            byte[] sealed = SealedFiles.sealed(ID, KEYS, 1000);
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = email(server, token, ID, "bo@elsewhere.example", ID + ".picsafe", sealed);
                assertRefused(r, 503, "destination_unavailable");
                assertThat(r.body()).doesNotContain("bo@elsewhere.example");
            }
            assertThat(AccountsServer.json(server.get("/api/v1/accounts/me/reports", token)).path("reports")).isEmpty();
        }
    }

    @Test
    void an_id_of_the_senders_own_words_stays_out_of_the_subject_and_the_attachments_name() throws Exception {
        try (AccountsServer server = smtpServer(SendLimits.STANDARD)) {
            confirmed(server, "ada@hospital.example");
            String token = server.accessToken("ada@hospital.example");
            String words = "Your-account-is-locked";
            for (String id : List.of(words, "0000000021764300000000")) { // another user's number
                HttpResponse<String> r = email(server, token, id, "bo@elsewhere.example", id + ".picsafe",
                        SealedFiles.sealed(id, KEYS, 1000));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            MimeMessage[] received = SMTP.getReceivedMessages();
            assertThat(received).hasSize(2);
            for (MimeMessage mail : received) {
                assertThat(mail.getSubject()).isEqualTo("Safelight report");
                assertThat(ReportMails.attachment(mail).getFileName()).isEqualTo("report.picsafe");
                assertThat(ReportMails.text(mail)).doesNotContain(words, "0000000021764300000000");
            }
        }
    }

    @Test
    void a_report_sealed_with_a_key_server_this_server_does_not_trust_is_not_sent() throws Exception {
        try (AccountsServer server = smtpServer(SendLimits.STANDARD)) {
            confirmed(server, "ada@hospital.example");
            String token = server.accessToken("ada@hospital.example");
            assertRefused(email(server, token, ID, "bo@elsewhere.example", ID + ".picsafe",
                    SealedFiles.sealed(ID, "https://evil.example", 1000)), 400, "not_a_sealed_report");
            assertThat(SMTP.getReceivedMessages()).isEmpty();
            // this server's own key server is trusted without being listed
            assertThat(email(server, token, ID, "bo@elsewhere.example", ID + ".picsafe",
                    SealedFiles.sealed(ID, server.base + "/keys", 1000)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void an_address_the_mail_library_refuses_is_a_bad_request_that_neither_logs_nor_echoes_it() throws Exception {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try (AccountsServer server = smtpServer(SendLimits.STANDARD)) {
            confirmed(server, "ada@hospital.example");
            String token = server.accessToken("ada@hospital.example");
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> r = email(server, token, ID, "a..b@example.org", ID + ".picsafe",
                    SealedFiles.sealed(ID, KEYS, 1000));
            System.setErr(original);
            assertRefused(r, 400, "bad_request");
            assertThat(r.body()).doesNotContain("a..b");
            assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("a..b");
            assertThat(SMTP.getReceivedMessages()).isEmpty();
        } finally {
            System.setErr(original);
        }
    }

    /** An account whose address is confirmed (as its mailed link would, here without the message). */
    static void confirmed(AccountsServer server, String email) throws Exception {
        confirmed(server, email, SMTP);
    }

    static void confirmed(AccountsServer server, String email, GreenMailExtension smtp) throws Exception {
        String id = server.signUp(email);
        server.stores.users().markEmailVerified(id, server.clock.instant());
        server.awaitMail();
        smtp.purgeEmailFromAllMailboxes();
    }

    static void assertRefused(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        if (code != null) {
            assertThat(AccountsServer.json(r).path("error").asText()).isEqualTo(code);
        }
    }
}
