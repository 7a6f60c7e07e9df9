package org.safelight.accounts;

import org.safelight.accounts.sends.SendLimits;
import picocli.CommandLine.Option;

/**
 * The accounts role's configuration group: {@code serve} adds these options with {@code @Mixin};
 * each also comes from {@code SAFELIGHT_<FLAG>} or the {@code --config} file.
 */
public final class AccountsOptions {
    @Option(names = "--smtp-host", paramLabel = "HOST", defaultValue = "",
            description = "Send email through this SMTP server (default: write .eml files to DATA_DIR/outbox).")
    String smtpHost;

    @Option(names = "--smtp-port", paramLabel = "N", defaultValue = "587",
            description = "The SMTP server's port (default: ${DEFAULT-VALUE}).")
    int smtpPort;

    @Option(names = "--smtp-user", paramLabel = "USER", defaultValue = "",
            description = "Sign in to the SMTP server as this user, with SAFELIGHT_SMTP_PASSWORD (default: no sign-in).")
    String smtpUser;

    @Option(names = "--smtp-password", paramLabel = "PASSWORD", hidden = true, defaultValue = "",
            description = "Prefer SAFELIGHT_SMTP_PASSWORD.")
    String smtpPassword;

    @Option(names = "--smtp-from", paramLabel = "ADDRESS", defaultValue = "safelight@localhost",
            description = "The sender of the messages (default: ${DEFAULT-VALUE}).")
    String smtpFrom;

    @Option(names = "--smtp-starttls", defaultValue = "true", arity = "1", paramLabel = "true|false",
            description = "Require STARTTLS on the SMTP connection (default: ${DEFAULT-VALUE}).")
    boolean smtpStartTls;

    @Option(names = "--send-max-mb", paramLabel = "MB", defaultValue = "25",
            description = "The largest sealed report the server emails or posts for a user, in MB"
                    + " (default: ${DEFAULT-VALUE}, what mail servers commonly take).")
    long sendMaxMb;

    @Option(names = "--emails-per-day", paramLabel = "N", defaultValue = "50",
            description = "Reports one user may have the server email to addresses they type, in any 24 hours"
                    + " (default: ${DEFAULT-VALUE}).")
    int emailsPerDay;

    @Option(names = "--destinations-allow-http", defaultValue = "false", arity = "0..1", paramLabel = "true|false",
            description = "Let enterprise admins list endpoints at plain http:// addresses (testing only;"
                    + " default: ${DEFAULT-VALUE}).")
    boolean destinationsAllowHttp;

    @Option(names = "--destinations-allow-private", defaultValue = "false", arity = "0..1", paramLabel = "true|false",
            description = "Let endpoints be at loopback, private or link-local addresses, the server's own network"
                    + " (testing, or one institution on one network; default: ${DEFAULT-VALUE}).")
    boolean destinationsAllowPrivate;

    @Option(names = "--sends-per-hour", paramLabel = "N", defaultValue = "20",
            description = "Reports one user may have the server send (email, mailbox or endpoint) in any hour"
                    + " (default: ${DEFAULT-VALUE}).")
    int sendsPerHour;

    @Option(names = "--server-emails-per-hour", paramLabel = "N", defaultValue = "500",
            description = "Report emails the whole server sends for users in any hour (default: ${DEFAULT-VALUE}).")
    int serverEmailsPerHour;

    @Option(names = "--send-key-servers", paramLabel = "ORIGIN,...", defaultValue = "", split = ",",
            description = "Key servers, besides this server's own, that a report the server emails may be sealed"
                    + " with (default: none; a report sealed with an institution's static key always may).")
    java.util.List<String> sendKeyServers;

    /** The settings these options give. */
    public AccountsSettings settings() {
        return new AccountsSettings(smtpHost, smtpPort, smtpUser, smtpPassword, smtpFrom, smtpStartTls,
                new SendLimits(sendMaxMb * 1000 * 1000, emailsPerDay, destinationsAllowHttp, destinationsAllowPrivate,
                        sendsPerHour, serverEmailsPerHour, sendKeyServers == null ? java.util.List.of()
                        : sendKeyServers.stream().map(String::strip).filter(k -> !k.isEmpty()).toList()));
    }
}
