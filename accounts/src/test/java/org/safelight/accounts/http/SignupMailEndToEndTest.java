package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.safelight.accounts.mail.SmtpMailer;
import org.safelight.accounts.mail.SmtpSettings;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.testing.Outbox;
import org.safelight.server.testing.Ports;
import org.safelight.server.tokens.UserToken;

/** Sign-up to sign-in through a real SMTP server: the link a user receives is what verifies them. */
class SignupMailEndToEndTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP);

    @Test
    void the_mailed_links_button_verifies_the_address_and_the_next_token_says_so() throws Exception {
        SmtpSettings relay = new SmtpSettings("localhost", ServerSetupTest.SMTP.getPort(), "", "",
                "Safelight <no-reply@safelight.test>", false);
        try (AccountsServer server = AccountsServer.start(AccountsServer::generous,
                (dir, clock) -> new SmtpMailer(relay, clock))) {
            String userId = server.signUp("ada@hospital.org");

            server.awaitMail();
            assertThat(SMTP.waitForIncomingEmail(5_000, 1)).isTrue();
            MimeMessage mail = SMTP.getReceivedMessagesForDomain("hospital.org")[0];
            assertThat(mail.getSubject()).isEqualTo("Confirm your email address for Safelight");
            String text = Outbox.body(mail);
            assertThat(text).startsWith("Hello,").contains("24 hours").doesNotContain("Ada");
            String link = Outbox.linkIn(mail);
            assertThat(link).startsWith(server.base + "/api/v1/accounts/verify?token=");

            HttpResponse<String> opened = server.confirm(link);
            assertThat(opened.body()).contains("confirmed");

            UserToken token = server.verifier().verify(server.accessToken("ada@hospital.org"));
            assertThat(token.userId()).isEqualTo(userId);
            assertThat(token.emailVerified()).isTrue();
            assertThat(server.outbox().messages()).isEmpty();
        }
    }

    @Test
    void a_sign_up_still_succeeds_when_the_mail_relay_is_down_and_a_new_link_can_be_asked_for_later()
            throws Exception {
        int closedPort = Ports.unused();
        SmtpSettings down = new SmtpSettings("localhost", closedPort, "", "", "no-reply@safelight.test", false);
        try (AccountsServer server = AccountsServer.start(AccountsServer::generous,
                (dir, clock) -> new SmtpMailer(down, clock))) {
            server.signUp("ada@hospital.org");
            assertThat(server.post("/api/v1/accounts/verify/resend", "{\"email\": \"ada@hospital.org\"}")
                    .statusCode()).isEqualTo(202);
            assertThat(server.stores.users().findByEmail("ada@hospital.org")).isPresent();
        }
    }
}
