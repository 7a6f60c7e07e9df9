package org.safelight.cli.serve;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.safelight.cloud.UploadLimits;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.http.TrustedProxies;

/**
 * The effective configuration of {@code safelight serve}. {@link #describe()} lists it for the log
 * with secrets masked.
 */
public record ServeConfig(Path dataDir, String host, int port, Set<String> roles, String databaseUrl,
                          String databaseUser, String databasePassword, URI accountsUrl, URI publicUrl,
                          List<String> trustedOrigins, Smtp smtp, int keyRequestsPerMinute, Cloud cloud,
                          List<String> webKeyServers, TrustedProxies trustedProxies, String webEndpoint) {

    public static final Set<String> KNOWN_ROLES = Set.of("accounts", "keys", "cloud", "web");

    /** Without an endpoint for My Safelight's Institution page. */
    public ServeConfig(Path dataDir, String host, int port, Set<String> roles, String databaseUrl,
                       String databaseUser, String databasePassword, URI accountsUrl, URI publicUrl,
                       List<String> trustedOrigins, Smtp smtp, int keyRequestsPerMinute, Cloud cloud,
                       List<String> webKeyServers, TrustedProxies trustedProxies) {
        this(dataDir, host, port, roles, databaseUrl, databaseUser, databasePassword, accountsUrl, publicUrl,
                trustedOrigins, smtp, keyRequestsPerMinute, cloud, webKeyServers, trustedProxies, "");
    }

    /** The same, with {@code endpoint} ("" for none) as the endpoint My Safelight's Institution page asks. */
    public ServeConfig withWebEndpoint(String endpoint) {
        return new ServeConfig(dataDir, host, port, roles, databaseUrl, databaseUser, databasePassword, accountsUrl,
                publicUrl, trustedOrigins, smtp, keyRequestsPerMinute, cloud, webKeyServers, trustedProxies,
                endpoint == null ? "" : endpoint);
    }

    /** Without cloud settings (the defaults: folder store, 2 GiB uploads) or key servers on other origins. */
    public ServeConfig(Path dataDir, String host, int port, Set<String> roles, String databaseUrl,
                       String databaseUser, String databasePassword, URI accountsUrl, URI publicUrl,
                       List<String> trustedOrigins, Smtp smtp, int keyRequestsPerMinute) {
        this(dataDir, host, port, roles, databaseUrl, databaseUser, databasePassword, accountsUrl, publicUrl,
                trustedOrigins, smtp, keyRequestsPerMinute, Cloud.DEFAULTS);
    }

    /** Not behind trusted reverse proxies. */
    public ServeConfig(Path dataDir, String host, int port, Set<String> roles, String databaseUrl,
                       String databaseUser, String databasePassword, URI accountsUrl, URI publicUrl,
                       List<String> trustedOrigins, Smtp smtp, int keyRequestsPerMinute, Cloud cloud,
                       List<String> webKeyServers) {
        this(dataDir, host, port, roles, databaseUrl, databaseUser, databasePassword, accountsUrl, publicUrl,
                trustedOrigins, smtp, keyRequestsPerMinute, cloud, webKeyServers, TrustedProxies.NONE);
    }

    /** Without key servers on other origins for the web role. */
    public ServeConfig(Path dataDir, String host, int port, Set<String> roles, String databaseUrl,
                       String databaseUser, String databasePassword, URI accountsUrl, URI publicUrl,
                       List<String> trustedOrigins, Smtp smtp, int keyRequestsPerMinute, Cloud cloud) {
        this(dataDir, host, port, roles, databaseUrl, databaseUser, databasePassword, accountsUrl, publicUrl,
                trustedOrigins, smtp, keyRequestsPerMinute, cloud, List.of());
    }

    /**
     * The cloud role's storage: {@code blobStore} is {@code folder} (DATA_DIR/cloud) or {@code s3}
     * with the {@code s3*} settings (blank keys: the AWS default credential chain). {@code
     * serviceCredential} is the secret with which a cloud role writes the upload log of an accounts
     * role in another process; both are given the same one ({@link ServiceCredential#NONE} when they
     * run together).
     */
    public record Cloud(UploadLimits uploads, String blobStore, URI s3Endpoint, String s3Region, String s3Bucket,
                        String s3AccessKey, String s3SecretKey, ServiceCredential serviceCredential) {
        public static final Cloud DEFAULTS = new Cloud(UploadLimits.DEFAULTS, "folder", null, "", "", "", "");

        /** Without a service credential. */
        public Cloud(UploadLimits uploads, String blobStore, URI s3Endpoint, String s3Region, String s3Bucket,
                     String s3AccessKey, String s3SecretKey) {
            this(uploads, blobStore, s3Endpoint, s3Region, s3Bucket, s3AccessKey, s3SecretKey, ServiceCredential.NONE);
        }

        public Cloud withServiceCredential(ServiceCredential credential) {
            return new Cloud(uploads, blobStore, s3Endpoint, s3Region, s3Bucket, s3AccessKey, s3SecretKey, credential);
        }

        public boolean s3() {
            return "s3".equals(blobStore);
        }
    }

    /** SMTP settings; {@code host} empty means the outbox folder instead. */
    public record Smtp(String host, int port, String user, String password, String from, boolean startTls) {
        public boolean enabled() {
            return host != null && !host.isBlank();
        }
    }

    /**
     * One line for the log when the server listens beyond this computer but its public URL names
     * this computer ({@code localhost}, {@code 127.0.0.1}, {@code ::1}): the links in its emails and
     * the tokens' issuer would then point others at their own machine.
     */
    public Optional<String> publicUrlWarning() {
        if (loopback(host) || !loopback(publicUrl.getHost())) {
            return Optional.empty();
        }
        return Optional.of("listening on " + host + " (reachable from other computers) while --public-url is "
                + publicUrl + ": links in emails and sign-ins will point other computers at themselves; give"
                + " --public-url the address users reach, or --host 127.0.0.1 to serve this computer only");
    }

    /** Whether a host name or address is this computer only. */
    static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    public boolean runs(String role) {
        return roles.contains(role);
    }

    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data-dir", dataDir.toAbsolutePath().toString());
        d.put("listen", host + ":" + port);
        d.put("roles", String.join(",", roles));
        d.put("database-url", maskUrl(databaseUrl));
        d.put("database-user", databaseUser == null ? "" : databaseUser);
        d.put("database-password", mask(databasePassword));
        d.put("public-url", publicUrl.toString());
        d.put("accounts-url", accountsUrl == null ? "(this server)" : accountsUrl.toString());
        d.put("trusted-origins", String.join(",", trustedOrigins));
        d.put("trusted-proxies", trustedProxies.entries().isEmpty() ? "(none: X-Forwarded-For is ignored)"
                : String.join(",", trustedProxies.entries()));
        d.put("key-requests-per-minute", Integer.toString(keyRequestsPerMinute));
        d.put("web-key-servers", String.join(",", webKeyServers));
        d.put("web-endpoint", webEndpoint);
        d.put("cloud-max-upload-mb", Long.toString(cloud.uploads().maxBytes() >> 20));
        d.put("cloud-quota-mb", cloud.uploads().quotaBytes() == 0 ? "0 (none)"
                : Long.toString(cloud.uploads().quotaBytes() >> 20));
        d.put("cloud-uploads-per-hour", Integer.toString(cloud.uploads().perHour()));
        d.put("blob-store", cloud.s3() ? "s3 endpoint " + (cloud.s3Endpoint() == null ? "(AWS)" : cloud.s3Endpoint())
                + " region " + cloud.s3Region() + " bucket " + cloud.s3Bucket() + " access key "
                + (cloud.s3AccessKey().isEmpty() ? "(default chain)" : cloud.s3AccessKey()) + " secret key "
                + mask(cloud.s3SecretKey()) : "folder " + dataDir.resolve("cloud"));
        d.put("service-credential", cloud.serviceCredential().configured() ? "****" : "(none)");
        d.put("smtp", smtp.enabled() ? smtp.user() + "@" + smtp.host() + ":" + smtp.port() + " password "
                + mask(smtp.password()) + " from " + smtp.from() : "off (messages go to " + dataDir.resolve("outbox") + ")");
        return d;
    }

    static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "(none)" : "****";
    }

    /** A JDBC URL with any password parameter hidden. */
    static String maskUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("//([^:/@]+):[^@/]*@", "//$1:****@");
    }
}
