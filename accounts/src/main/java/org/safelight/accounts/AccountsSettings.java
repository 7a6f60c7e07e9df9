package org.safelight.accounts;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.accounts.mail.SmtpSettings;
import org.safelight.accounts.sends.SendLimits;

/**
 * The accounts role's settings: how its messages (confirmations, resets) leave — through an SMTP
 * server, or, with {@code smtpHost} empty, as {@code .eml} files in {@code DATA_DIR/outbox}; and
 * the limits on sealed reports it sends on users' behalf.
 * Immutable.
 */
public record AccountsSettings(String smtpHost, int smtpPort, String smtpUser, String smtpPassword, String smtpFrom,
                               boolean smtpStartTls, SendLimits sends) {
    /** The outbox folder, from {@code safelight@localhost}. */
    public static final AccountsSettings DEFAULTS = new AccountsSettings("", 587, "", "", "safelight@localhost", true);

    /** With the standard limits on what is sent on users' behalf. */
    public AccountsSettings(String smtpHost, int smtpPort, String smtpUser, String smtpPassword, String smtpFrom,
                            boolean smtpStartTls) {
        this(smtpHost, smtpPort, smtpUser, smtpPassword, smtpFrom, smtpStartTls, SendLimits.STANDARD);
    }

    public boolean smtpEnabled() {
        return smtpHost != null && !smtpHost.isBlank();
    }

    public SmtpSettings smtp() {
        return new SmtpSettings(smtpHost, smtpPort, smtpUser, smtpPassword, smtpFrom, smtpStartTls);
    }

    /** For the startup log, the password masked. */
    public Map<String, String> describe(Path dataDir) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("smtp", smtpEnabled() ? smtpUser + "@" + smtpHost + ":" + smtpPort + " password "
                + (smtpPassword == null || smtpPassword.isEmpty() ? "(none)" : "****") + " from " + smtpFrom
                : "off (messages go to " + dataDir.resolve("outbox") + ")");
        d.put("sends", "reports up to " + sends.maxBytes() + " bytes, " + sends.emailsPerDay()
                + " emails per user per day, " + sends.sendsPerHour() + " sends per user per hour, "
                + sends.serverEmailsPerHour() + " emails per hour in all"
                + (sends.allowHttpEndpoints() ? ", plain http endpoints allowed" : "")
                + (sends.allowPrivateAddresses() ? ", endpoints at private addresses allowed" : "")
                + (sends.keyServers().isEmpty() ? "" : ", key servers also " + String.join(" ", sends.keyServers())));
        return d;
    }

    /** Leaves the password out. */
    @Override
    public String toString() {
        return "AccountsSettings[" + smtp() + "]";
    }
}
