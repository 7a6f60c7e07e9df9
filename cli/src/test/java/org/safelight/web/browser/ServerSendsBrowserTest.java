package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.testing.Outbox;

/**
 * server-sends.js in the page, against the real server: the signed-in user has the server email a
 * sealed report, lists their enterprise's destinations and sends to its mailbox; the messages land
 * in the outbox with the file attached byte for byte, and a refusal rejects with the catalogue's code.
 */
class ServerSendsBrowserTest extends BrowserTestBase {
    private static Path sealed;
    private static String reportId;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("noor@stvincents.example", "Noor");
        site.confirmedUser("it@stvincents.example", "Iris");
        new Enterprises(site.server.database().jdbi(), Clock.systemUTC()).create("St Vincent's",
                "it@stvincents.example", List.of("stvincents.example"), List.of());
        site.call("POST", "/api/v1/enterprise/destinations", site.token("it@stvincents.example"),
                "{\"kind\": \"mailbox\", \"name\": \"Wound clinic\", \"address\": \"wounds@stvincents.example\"}");
        String token = site.token("noor@stvincents.example");
        sealed = site.seal(Site.draft(dir.resolve("draft"), "Grace", "Hopper", "left heel"), token,
                dir.resolve("sealed"));
        reportId = Site.reportId(sealed);
        openBrowser();
    }

    /** Runs {@code call} (using {@code sends} and {@code file}) in the page; its result as JSON text, or "error CODE". */
    private static String inPage(String call, byte[] file, String fileName) {
        return (String) browser.asyncScript("""
                const [base64, fileName, reportId, done] = arguments;
                (async () => {
                  const sends = await import('/app/static/server-sends.js');
                  const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
                  const file = new Blob([bytes], {type: 'application/octet-stream'});
                  try {
                    const result = await (%s);
                    done(JSON.stringify(result));
                  } catch (e) {
                    done('error ' + e.name + ' ' + e.code);
                  }
                })();""".formatted(call), Base64.getEncoder().encodeToString(file), fileName, reportId);
    }

    @Test
    void the_page_has_the_server_email_the_sealed_report_and_send_it_to_the_enterprises_mailbox() throws Exception {
        SignIn.as(browser, site, "noor@stvincents.example");
        byte[] bytes = Files.readAllBytes(sealed);

        String emailed = inPage("sends.emailReport({to: 'colleague@elsewhere.example', blob: file, fileName, reportId})",
                bytes, reportId + ".picsafe");
        assertThat(emailed).isEqualTo("{\"sent\":true,\"to\":\"colleague@elsewhere.example\"}");
        MimeMessage mail = new Outbox(site.dataDir.resolve("outbox")).messagesTo("colleague@elsewhere.example").get(0);
        assertThat(attached(mail)).isEqualTo(bytes);

        String listed = inPage("sends.institutionDestinations()", bytes, "");
        assertThat(listed).contains("\"name\":\"Wound clinic\"", "\"kind\":\"mailbox\"", "\"static_key\":null");
        String id = listed.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
        String sent = inPage("sends.sendToDestination('" + id + "', {blob: file, fileName, reportId})", bytes,
                reportId + ".picsafe");
        assertThat(sent).isEqualTo("{\"sent\":true,\"name\":\"Wound clinic\"}");
        assertThat(attached(new Outbox(site.dataDir.resolve("outbox")).messagesTo("wounds@stvincents.example").get(0)))
                .isEqualTo(bytes);

        assertThat(inPage("sends.emailReport({to: 'colleague@elsewhere.example', blob: file, fileName, reportId})",
                "PK not a report".getBytes(), "x.picsafe")).isEqualTo("error ApiError not_a_sealed_report");
        assertThat(inPage("sends.sendToDestination('0000000000000000', {blob: file, fileName, reportId})", bytes,
                reportId + ".picsafe")).isEqualTo("error ApiError unknown_destination");

        var sends = site.call("GET", "/api/v1/accounts/me/reports", site.token("noor@stvincents.example"), null)
                .path("reports").get(0).path("sends");
        assertThat(sends).extracting(s -> s.path("recipient").asText())
                .containsExactlyInAnyOrder("colleague@elsewhere.example", "wounds@stvincents.example");
    }

    private static byte[] attached(MimeMessage m) throws Exception {
        try (var in = ((Multipart) m.getContent()).getBodyPart(1).getInputStream()) {
            return in.readAllBytes();
        }
    }
}
