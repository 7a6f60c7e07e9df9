package org.safelight.accounts.sends;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.util.List;

/** What a test reads of a report's message: its text and its attachment. */
final class ReportMails {
    private ReportMails() {
    }

    static String text(MimeMessage m) throws Exception {
        return ((String) ((Multipart) m.getContent()).getBodyPart(0).getContent()).replace("\r\n", "\n");
    }

    static BodyPart attachment(MimeMessage m) throws Exception {
        BodyPart part = ((Multipart) m.getContent()).getBodyPart(1);
        if (!Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            throw new AssertionError("the second part is no attachment");
        }
        return part;
    }

    static byte[] attached(MimeMessage m) throws Exception {
        try (InputStream in = attachment(m).getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** The messages that carry a report (not the sign-up messages). */
    static List<MimeMessage> reports(List<MimeMessage> all) throws Exception {
        List<MimeMessage> out = new java.util.ArrayList<>();
        for (MimeMessage m : all) {
            if (m.getSubject().startsWith("Safelight report ")) {
                out.add(m);
            }
        }
        return out;
    }
}
