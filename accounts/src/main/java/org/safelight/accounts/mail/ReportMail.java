package org.safelight.accounts.mail;

import java.nio.file.Path;

/**
 * A sealed report sent by email on a user's behalf: {@code sealed} attached as
 * {@code {reportId}.picsafe}, with the instructions for opening it that the CLI's emails carry
 * ({@link org.safelight.client.mail.ReportEmail}). The message comes from the server's address,
 * names the user as its sender and answers go to them (Reply-To). Addresses are personal data, so
 * {@code toString} leaves them out.
 *
 * @param server the Safelight server the recipient signs up on, named in the instructions
 */
public record ReportMail(String to, String onBehalfOf, String reportId, Path sealed, String server) {
    public ReportMail {
        if (to.contains("\r") || to.contains("\n") || onBehalfOf.contains("\r") || onBehalfOf.contains("\n")) {
            throw new IllegalArgumentException("line breaks in a mail header");
        }
    }

    @Override
    public String toString() {
        return "ReportMail[" + reportId + "]";
    }
}
