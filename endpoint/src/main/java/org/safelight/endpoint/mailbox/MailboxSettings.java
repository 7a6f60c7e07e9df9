package org.safelight.endpoint.mailbox;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * Where the mailbox intake reads: {@code --endpoint-mailbox imaps://USER@HOST:PORT/FOLDER} (or
 * {@code imap://}, which then requires STARTTLS) with the password from
 * {@code --endpoint-mailbox-password-file}. The user may be an address: its {@code @} is told from
 * the host's by being the last one ({@code imaps://picsafe@hospital.org@mail.hospital.org/INBOX}).
 *
 * @param pollInterval how often the folder is read when the server has no IDLE, and the longest an
 *                     IDLE lasts before it is renewed (and messages left for later are tried again)
 * @param useIdle      {@code false} to poll even where the server offers IDLE
 * @param trustHosts   hosts whose certificate is trusted without checking ({@code mail.imaps.ssl.trust}):
 *                     tests only; {@code null} in production, where the JVM's trust store decides
 */
public record MailboxSettings(String scheme, String user, String host, int port, String folder, String password,
                              Duration pollInterval, boolean useIdle, String trustHosts) {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(1);

    public MailboxSettings {
        if (!scheme.equals("imaps") && !scheme.equals("imap")) {
            throw new IllegalArgumentException("--endpoint-mailbox must start with imaps:// (or imap:// with STARTTLS)");
        }
    }

    /**
     * Parses {@code --endpoint-mailbox} and reads the password file (its first line).
     *
     * @throws IllegalArgumentException naming what is wrong, never the password
     */
    public static MailboxSettings parse(String url, Path passwordFile) {
        int colon = url.indexOf("://");
        if (colon < 0) {
            throw new IllegalArgumentException("--endpoint-mailbox must look like imaps://USER@HOST:PORT/INBOX");
        }
        String scheme = url.substring(0, colon);
        String rest = url.substring(colon + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String folder = slash < 0 || slash == rest.length() - 1 ? "INBOX" : decode(rest.substring(slash + 1));
        int at = authority.lastIndexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("--endpoint-mailbox names no user: imaps://USER@HOST:PORT/INBOX");
        }
        String user = decode(authority.substring(0, at));
        String hostPort = authority.substring(at + 1);
        int port = scheme.equals("imap") ? 143 : 993;
        int portColon = hostPort.lastIndexOf(':');
        String host = hostPort;
        if (portColon > 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, portColon);
            try {
                port = Integer.parseInt(hostPort.substring(portColon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--endpoint-mailbox has an invalid port");
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("--endpoint-mailbox names no host");
        }
        if (passwordFile == null) {
            throw new IllegalArgumentException("--endpoint-mailbox needs --endpoint-mailbox-password-file");
        }
        String password;
        try {
            password = Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        } catch (IOException e) {
            throw new IllegalArgumentException("--endpoint-mailbox-password-file cannot be read: " + passwordFile);
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException("--endpoint-mailbox-password-file is empty");
        }
        return new MailboxSettings(scheme, user, host, port, folder, password, DEFAULT_POLL_INTERVAL, true, null);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    public MailboxSettings withPollInterval(Duration every, boolean idle) {
        return new MailboxSettings(scheme, user, host, port, folder, password, every, idle, trustHosts);
    }

    public MailboxSettings trusting(String hosts) {
        return new MailboxSettings(scheme, user, host, port, folder, password, pollInterval, useIdle, hosts);
    }

    /** The mail session's settings: TLS required and checked, timeouts, reads in 1 MiB pieces. */
    Properties sessionProperties() {
        String p = "mail." + scheme + ".";
        Properties props = new Properties();
        props.put(p + "connectiontimeout", "30000");
        // The read timeout must outlast an IDLE, which waits on a silent connection until renewed.
        props.put(p + "timeout", String.valueOf(pollInterval.toMillis() + 120_000));
        props.put(p + "writetimeout", "60000");
        props.put(p + "fetchsize", String.valueOf(1024 * 1024));
        props.put(p + "partialfetch", "true");
        props.put(p + "ssl.checkserveridentity", String.valueOf(trustHosts == null));
        if (scheme.equals("imap")) {
            props.put(p + "starttls.enable", "true");
            props.put(p + "starttls.required", "true");
        }
        if (trustHosts != null) {
            props.put(p + "ssl.trust", trustHosts);
        }
        return props;
    }

    @Override
    public String toString() {
        return scheme + "://" + host + ":" + port + "/" + folder + " (user and password not shown)";
    }
}
