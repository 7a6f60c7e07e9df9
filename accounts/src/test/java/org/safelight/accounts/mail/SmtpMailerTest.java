package org.safelight.accounts.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.safelight.accounts.testing.Outbox;
import org.safelight.server.testing.Ports;

class SmtpMailerTest {
    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP)
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("safelight", "relay-secret"));

    private static SmtpSettings settings(String user, String password) {
        return new SmtpSettings("localhost", ServerSetupTest.SMTP.getPort(), user, password,
                "Safelight <no-reply@safelight.test>", false);
    }

    @Test
    void a_message_is_delivered_as_plain_utf8_text_from_the_configured_sender() throws Exception {
        new SmtpMailer(settings("safelight", "relay-secret"), Clock.systemUTC())
                .send(new MailMessage("zoë@hospital.org".replace("ë", "e"), "Confirm your address", "Hello Zoë,\n\n"
                        + "https://safelight.test/api/v1/accounts/verify?token=abc\n"));
        assertThat(SMTP.waitForIncomingEmail(5_000, 1)).isTrue();
        MimeMessage received = SMTP.getReceivedMessages()[0];
        assertThat(received.getSubject()).isEqualTo("Confirm your address");
        assertThat(received.getFrom()[0].toString()).isEqualTo("Safelight <no-reply@safelight.test>");
        assertThat(Outbox.recipient(received)).isEqualTo("zoe@hospital.org");
        assertThat(received.getContentType()).startsWith("text/plain").containsIgnoringCase("utf-8");
        assertThat(received.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        assertThat(Outbox.body(received)).contains("Hello Zoë,").contains("?token=abc");
    }

    @Test
    void a_relay_that_refuses_the_login_or_is_not_there_is_a_delivery_failure() throws Exception {
        assertThatThrownBy(() -> new SmtpMailer(settings("safelight", "wrong"), Clock.systemUTC())
                .send(new MailMessage("a@hospital.org", "s", "b")))
                .isInstanceOfSatisfying(MailDeliveryException.class, e -> assertThat(e.refused())
                        .as("the server answered no: a report sent this way is destination_refused").isTrue());
        int closedPort = Ports.unused();
        SmtpSettings nowhere = new SmtpSettings("localhost", closedPort, "", "", "no-reply@safelight.test", true);
        assertThatThrownBy(() -> new SmtpMailer(nowhere, Clock.systemUTC()).send(new MailMessage("a@b.org", "s", "b")))
                .isInstanceOfSatisfying(MailDeliveryException.class, e -> assertThat(e.refused())
                        .as("not reached: destination_unavailable").isFalse());
    }

    @Test
    void the_settings_never_print_the_password() {
        assertThat(settings("safelight", "relay-secret").toString()).doesNotContain("relay-secret");
    }
}
