package org.safelight.cli;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.safelight.cli.share.Recipient;
import org.safelight.client.Credentials;
import org.safelight.client.mail.ReportEmail;
import org.safelight.client.mail.SmtpRelay;

/**
 * {@code safelight send FILE --to email:ADDRESS}: an email from the signed-in user to ADDRESS with
 * the sealed report attached and how to open it. Handed to an SMTP server when one is configured;
 * otherwise saved as an {@code .eml} file that a mail program opens as a draft, ready to send.
 */
final class SendByEmail {
    private final SendCommand command;
    private final Clock clock;

    SendByEmail(SendCommand command, Clock clock) {
        this.command = command;
        this.clock = clock;
    }

    /**
     * @param output where the .eml goes without SMTP (null: {@code {ReportID}.eml} in the current folder)
     */
    int send(Path file, String reportId, Recipient.Email to, Optional<SmtpRelay> relay, Path output,
             ClientContext clients) throws IOException {
        Credentials me = clients.accounts.current();
        Session session = relay.map(SmtpRelay::session).orElseGet(ReportEmail::offline);
        try {
            MimeMessage message = ReportEmail.compose(session, ReportEmail.address(me.email()),
                    ReportEmail.address(to.mailbox()), file, reportId, me.server(), clock.instant());
            if (relay.isPresent()) {
                try {
                    relay.get().send(message);
                } catch (MessagingException e) {
                    throw new IOException("the SMTP server " + relay.get().host() + ":" + relay.get().port()
                            + " did not take the email (" + oneLine(e) + "); nothing was sent", e);
                }
                command.main.stdout.println("Sent report " + reportId + " by email to " + to.mailbox() + " through "
                        + relay.get().host() + ":" + relay.get().port());
            } else {
                Path target = output != null ? output : Path.of(reportId + ".eml");
                ReportEmail.saveDraft(message, target);
                command.main.stdout.println("Saved the email to " + target + ": open it in your mail program and"
                        + " send it (no SMTP server was given, so nothing was sent yet)");
            }
        } catch (MessagingException e) {
            throw new IOException("the email could not be written (" + oneLine(e) + ")", e);
        }
        command.recordSend(clients, reportId, to);
        return ExitCode.OK;
    }

    /** A mail server's answer may span lines; the CLI says one. */
    private static String oneLine(Exception e) {
        return String.valueOf(e.getMessage()).strip().replaceAll("\\s+", " ");
    }
}
