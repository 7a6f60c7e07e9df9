package org.safelight.accounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.safelight.accounts.storage.StorageSettings;
import org.safelight.client.storage.StorageApp;
import org.safelight.client.storage.StorageEndpoints;
import org.safelight.client.storage.StorageProvider;
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

    @Option(names = "--box-client-id", paramLabel = "ID", defaultValue = "",
            description = "Offer Box to PRO users with this app's client ID (default: Box is off).")
    String boxClientId;

    @Option(names = "--box-client-secret-file", paramLabel = "FILE",
            description = "The file holding the Box app's client secret (required with --box-client-id).")
    Path boxClientSecretFile;

    @Option(names = "--box-authorize-url", paramLabel = "URL", defaultValue = "",
            description = "Box's authorization page (default: Box's own; for tests or a proxy).")
    String boxAuthorizeUrl;

    @Option(names = "--box-api-url", paramLabel = "URL", defaultValue = "",
            description = "Box's API base (default: https://api.box.com/; for tests or a proxy).")
    String boxApiUrl;

    @Option(names = "--box-upload-url", paramLabel = "URL", defaultValue = "",
            description = "Box's upload base (default: https://upload.box.com/api/; for tests or a proxy).")
    String boxUploadUrl;

    @Option(names = "--dropbox-client-id", paramLabel = "APP_KEY", defaultValue = "",
            description = "Offer Dropbox to PRO users with this app's key (default: Dropbox is off).")
    String dropboxClientId;

    @Option(names = "--dropbox-client-secret-file", paramLabel = "FILE",
            description = "The file holding the Dropbox app's secret (optional: PKCE needs none).")
    Path dropboxClientSecretFile;

    @Option(names = "--dropbox-authorize-url", paramLabel = "URL", defaultValue = "",
            description = "Dropbox's authorization page (default: Dropbox's own; for tests or a proxy).")
    String dropboxAuthorizeUrl;

    @Option(names = "--dropbox-api-url", paramLabel = "URL", defaultValue = "",
            description = "Dropbox's API base (default: https://api.dropboxapi.com; for tests or a proxy).")
    String dropboxApiUrl;

    @Option(names = "--dropbox-content-url", paramLabel = "URL", defaultValue = "",
            description = "Dropbox's content base (default: https://content.dropboxapi.com; for tests or a proxy).")
    String dropboxContentUrl;

    @Option(names = "--storage-allow-plain", defaultValue = "false",
            description = "Let users send the plain (unsealed) report to Box or Dropbox (default: sealed only).")
    boolean storageAllowPlain;

    @Option(names = "--storage-max-mb", paramLabel = "MB", defaultValue = "250",
            description = "The largest report the server passes on to Box or Dropbox, in MB"
                    + " (default: ${DEFAULT-VALUE}, what a free Box account takes in one file).")
    long storageMaxMb;

    @Option(names = "--storage-uploads-per-hour", paramLabel = "N", defaultValue = "60",
            description = "Reports one user may send to Box or Dropbox in any hour (default: ${DEFAULT-VALUE}).")
    int storageUploadsPerHour;

    /** Box and Dropbox as these options configure them; reads the secret files. */
    public StorageSettings storageSettings() {
        Map<StorageProvider, StorageApp> apps = new EnumMap<>(StorageProvider.class);
        if (!boxClientId.isBlank()) {
            if (boxClientSecretFile == null) {
                throw new IllegalArgumentException("--box-client-id needs --box-client-secret-file");
            }
            apps.put(StorageProvider.BOX, app(StorageProvider.BOX, boxClientId, boxClientSecretFile,
                    boxAuthorizeUrl, boxApiUrl, boxUploadUrl));
        }
        if (!dropboxClientId.isBlank()) {
            apps.put(StorageProvider.DROPBOX, app(StorageProvider.DROPBOX, dropboxClientId, dropboxClientSecretFile,
                    dropboxAuthorizeUrl, dropboxApiUrl, dropboxContentUrl));
        }
        return new StorageSettings(apps, storageAllowPlain, StorageSettings.LARGE_FROM)
                .withLimits(storageMaxMb * 1000 * 1000, storageUploadsPerHour);
    }

    private static StorageApp app(StorageProvider p, String clientId, Path secretFile, String authorize, String api,
            String upload) {
        StorageEndpoints real = p.endpoints();
        String secret = null;
        if (secretFile != null) {
            try {
                secret = Files.readString(secretFile).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("the " + p.displayName() + " client secret file " + secretFile
                        + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new StorageApp(p, clientId.strip(), secret, new StorageEndpoints(
                authorize.isBlank() ? real.authorize() : authorize, api.isBlank() ? real.api() : api,
                upload.isBlank() ? real.upload() : upload));
    }

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
