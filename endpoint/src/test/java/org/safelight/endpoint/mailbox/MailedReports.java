package org.safelight.endpoint.mailbox;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.format.picsafe.PicsafeWriter;

/** Mails as a phone sends them: one dynamic-key report attached, numbered for the tests. */
final class MailedReports {
    private MailedReports() {
    }

    /** The report ID of mail {@code i}. */
    static String reportId(int i) {
        return String.format("00000000114628005282%02dabcde", i);
    }

    /** Mail {@code i}: Message-ID {@code <m<i>@phone.example>}, report {@link #reportId(int) reportId(i)}. */
    static MimeMessage report(Session session, int i) throws Exception {
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<m" + i + "@phone.example>");
            }
        };
        message.setFrom("noor.haddad@example.org");
        message.setRecipients(Message.RecipientType.TO, "picsafe@hospital.example");
        message.setSubject("PicSafe report");
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(TestReports.dynamic(reportId(i),
                PicsafeWriter.newReportKey(), "https://keys.hospital.example"), "application/octet-stream")));
        part.setFileName(reportId(i) + ".picsafe");
        MimeMultipart multipart = new MimeMultipart();
        multipart.addBodyPart(part);
        message.setContent(multipart);
        message.saveChanges();
        return message;
    }
}
