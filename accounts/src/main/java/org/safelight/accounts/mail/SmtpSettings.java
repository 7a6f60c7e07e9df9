package org.safelight.accounts.mail;

/**
 * Where {@link SmtpMailer} delivers: an SMTP server, optional login ({@code username} empty for
 * none), the From address (e.g. {@code Safelight <no-reply@myhospital.org>}), and whether to
 * insist on STARTTLS before sending anything.
 */
public record SmtpSettings(String host, int port, String username, String password, String from,
                           boolean startTls) {

    public boolean authenticates() {
        return username != null && !username.isEmpty();
    }

    /** Leaves the password out. */
    @Override
    public String toString() {
        return "SmtpSettings[" + host + ":" + port + ", user=" + (authenticates() ? username : "-")
                + ", startTls=" + startTls + "]";
    }
}
