package org.safelight.cli;

import java.util.Map;
import java.util.Optional;
import org.safelight.client.mail.SmtpRelay;
import picocli.CommandLine.Option;

/**
 * The SMTP server {@code send --to email:} hands its message to, named like the server's own SMTP
 * settings; each option also from {@code SAFELIGHT_SMTP_*}. No host: nothing is sent, the message
 * is saved as an {@code .eml} file instead.
 */
final class SmtpOptions {
    @Option(names = "--smtp-host", paramLabel = "HOST",
            description = "Send the email through this SMTP server (or SAFELIGHT_SMTP_HOST); without one the email"
                    + " is saved as an .eml file to send from your mail program.")
    String host;

    @Option(names = "--smtp-port", paramLabel = "N",
            description = "The SMTP server's port (or SAFELIGHT_SMTP_PORT; default 587).")
    Integer port;

    @Option(names = "--smtp-user", paramLabel = "USER",
            description = "Sign in to the SMTP server as USER (or SAFELIGHT_SMTP_USER), with SAFELIGHT_SMTP_PASSWORD.")
    String user;

    @Option(names = "--smtp-password", paramLabel = "PASSWORD", hidden = true, description = "Prefer SAFELIGHT_SMTP_PASSWORD.")
    String password;

    @Option(names = "--smtp-starttls", arity = "1", paramLabel = "true|false",
            description = "Require STARTTLS (or SAFELIGHT_SMTP_STARTTLS; default true).")
    Boolean startTls;

    /** The relay the flags or the environment name, or empty when no host is given. */
    Optional<SmtpRelay> relay(Map<String, String> env) {
        String h = pick(host, env.get("SAFELIGHT_SMTP_HOST"));
        if (h == null) {
            return Optional.empty();
        }
        int p;
        try {
            p = port != null ? port : Integer.parseInt(pick(env.get("SAFELIGHT_SMTP_PORT"), "587"));
        } catch (NumberFormatException e) {
            throw new Failures.UsageException("SAFELIGHT_SMTP_PORT must be a port number");
        }
        String tls = startTls != null ? startTls.toString() : pick(env.get("SAFELIGHT_SMTP_STARTTLS"), "true");
        if (!tls.equalsIgnoreCase("true") && !tls.equalsIgnoreCase("false")) {
            throw new Failures.UsageException("SAFELIGHT_SMTP_STARTTLS must be true or false");
        }
        return Optional.of(new SmtpRelay(h, p, pick(user, env.get("SAFELIGHT_SMTP_USER")),
                pick(password, env.get("SAFELIGHT_SMTP_PASSWORD")), Boolean.parseBoolean(tls)));
    }

    private static String pick(String first, String second) {
        return first != null && !first.isBlank() ? first.strip() : second != null && !second.isBlank() ? second.strip()
                : null;
    }
}
