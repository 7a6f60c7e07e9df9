package org.safelight.endpoint.mailbox;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The short message put in {@code Rejected} beside a rejected one, saying why: one line per
 * attachment, by position ({@code attachment 2}), with the refusal's code and message or the ID it
 * was stored under. It threads under the rejected message ({@code In-Reply-To}) and carries the
 * first refusal code in {@code X-Safelight-Refusal}, for a mail rule or a script. It quotes nothing
 * of the message (no subject, no file names, no addresses): those may name a patient.
 */
final class RefusalNote {
    static final String HEADER = "X-Safelight-Refusal";

    private RefusalNote() {
    }

    /** One attachment's fate; {@code attachment} 0 stands for the whole message. */
    record Line(int attachment, String reportId, String code, String message) {
        static Line stored(int attachment, String reportId) {
            return new Line(attachment, reportId, null, null);
        }

        static Line refused(int attachment, String code, String message) {
            return new Line(attachment, null, code, message);
        }

        String text() {
            String which = attachment == 0 ? "the message" : "attachment " + attachment;
            return code == null
                    ? "  " + which + ": stored as report " + reportId
                    : "  " + which + ": refused, " + code + ": " + message;
        }
    }

    static MimeMessage of(String rawMessageId, List<Line> lines, Instant at) throws MessagingException {
        // The sender wrote the Message-ID: one line, bounded, before it goes into our headers.
        String messageId = rawMessageId == null ? null
                : rawMessageId.replaceAll("[\\r\\n\\t]", " ").substring(0, Math.min(rawMessageId.length(), 250));
        String code = lines.stream().filter(l -> l.code() != null).map(Line::code).findFirst().orElse("refused");
        MimeMessage note = new MimeMessage(Session.getInstance(new java.util.Properties()));
        note.setFrom("Safelight endpoint <safelight-endpoint@localhost>");
        note.setSubject("Not filed by Safelight: " + code);
        note.setSentDate(Date.from(at));
        note.setHeader(HEADER, code);
        note.setHeader("Auto-Submitted", "auto-generated");
        if (messageId != null) {
            note.setHeader("In-Reply-To", messageId);
            note.setHeader("References", messageId);
        }
        StringBuilder body = new StringBuilder()
                .append("Safelight did not file the message ")
                .append(messageId == null ? "(it has no Message-ID)" : messageId)
                .append(", now in this folder:\n\n");
        lines.forEach(l -> body.append(l.text()).append('\n'));
        body.append("\nReports stored are delivered as usual. Nothing more is done with this message; ")
                .append("ask the sender to send the refused report again if it is needed.\n");
        note.setText(body.toString(), "UTF-8");
        note.saveChanges();
        return note;
    }
}
