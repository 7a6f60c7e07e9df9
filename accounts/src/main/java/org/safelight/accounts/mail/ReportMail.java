package org.safelight.accounts.mail;

import java.nio.file.Path;

/**
 * A sealed report sent by email on a user's behalf: {@code sealed} attached as
 * {@code {reportId}.picsafe}, with the instructions for opening it that the CLI's emails carry
 * ({@link org.safelight.client.mail.ReportEmail}). The message comes from the server's address,
 * names the user as its sender and answers go to them (Reply-To). Addresses are personal data, so
 * {@code toString} leaves them out.
 *
 * @param server  the Safelight server the recipient signs up on, named in the instructions
 * @param idShown whether the report ID goes into the subject and the attachment's name; otherwise the
 *                subject is neutral and the file {@code report.picsafe} (an ID the sender chose freely
 *                must not put their words into mail that comes from this server)
 */
public record ReportMail(String to, String onBehalfOf, String reportId, Path sealed, String server, boolean idShown) {
    /** The name of the attachment when the ID is not shown. */
    public static final String NEUTRAL_NAME = "report";

    /** With the ID shown in the subject and the attachment's name. */
    public ReportMail(String to, String onBehalfOf, String reportId, Path sealed, String server) {
        this(to, onBehalfOf, reportId, sealed, server, true);
    }

    /**
     * Whether the mail library takes {@code address} as a recipient (stricter than the accounts'
     * address check: {@code a..b@x} passes that one), so a send can refuse it up front.
     */
    public static boolean deliverable(String address) {
        try {
            new jakarta.mail.internet.InternetAddress(address, true).validate();
            return true;
        } catch (jakarta.mail.internet.AddressException e) {
            return false;
        }
    }

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
