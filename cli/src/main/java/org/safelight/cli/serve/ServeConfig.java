package org.safelight.cli.serve;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.safelight.accounts.AccountsSettings;
import org.safelight.accounts.AccountsWiring;
import org.safelight.cloud.CloudSettings;
import org.safelight.cloud.CloudWiring;
import org.safelight.cloud.UploadLimits;
import org.safelight.keys.KeysSettings;
import org.safelight.keys.KeysWiring;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.web.WebSettings;
import org.safelight.web.WebWiring;

/**
 * The effective configuration of {@code safelight serve}: what every role shares (where it listens,
 * its database, its addresses) and the chosen roles, each as its {@link RoleWiring} holding the
 * role's own settings, in {@link RoleName} order. {@link #describe()} lists it for the log with
 * secrets masked.
 *
 * @param serviceCredential the secret roles of one deployment in separate processes share
 * @param wirings           the roles to run, one wiring per role
 * @param operations        how it is watched and stopped (metrics, log format, shutdown grace)
 */
public record ServeConfig(Path dataDir, String host, int port, String databaseUrl, String databaseUser,
                          String databasePassword, URI accountsUrl, URI publicUrl, TrustedProxies trustedProxies,
                          ServiceCredential serviceCredential, List<RoleWiring> wirings, OperationsSettings operations) {

    public ServeConfig {
        java.util.Objects.requireNonNull(operations, "operations");
        List<RoleWiring> sorted = new ArrayList<>(wirings);
        sorted.sort(Comparator.comparing(RoleWiring::name));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).name() == sorted.get(i - 1).name()) {
                throw new IllegalArgumentException("the " + sorted.get(i).name() + " role is wired twice");
            }
        }
        wirings = List.copyOf(sorted);
    }

    /** With the default {@link OperationsSettings}. */
    public ServeConfig(Path dataDir, String host, int port, String databaseUrl, String databaseUser,
                       String databasePassword, URI accountsUrl, URI publicUrl, TrustedProxies trustedProxies,
                       ServiceCredential serviceCredential, List<RoleWiring> wirings) {
        this(dataDir, host, port, databaseUrl, databaseUser, databasePassword, accountsUrl, publicUrl, trustedProxies,
                serviceCredential, wirings, OperationsSettings.DEFAULTS);
    }

    /**
     * The roles named by {@code roles} with these settings (tests; {@code serve} builds each role's
     * settings from its configuration group).
     */
    public ServeConfig(Path dataDir, String host, int port, Set<String> roles, String databaseUrl,
                       String databaseUser, String databasePassword, URI accountsUrl, URI publicUrl,
                       List<String> trustedOrigins, Smtp smtp, int keyRequestsPerMinute, Cloud cloud,
                       List<String> webKeyServers, TrustedProxies trustedProxies) {
        this(dataDir, host, port, databaseUrl, databaseUser, databasePassword, accountsUrl, publicUrl, trustedProxies,
                cloud.serviceCredential(), wirings(roles, new AccountsSettings(smtp.host(), smtp.port(), smtp.user(),
                        smtp.password(), smtp.from(), smtp.startTls()),
                        new KeysSettings(trustedOrigins, keyRequestsPerMinute), cloud.settings(),
                        new WebSettings(webKeyServers)));
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

    private static List<RoleWiring> wirings(Set<String> roles, AccountsSettings accounts, KeysSettings keys,
                                            CloudSettings cloud, WebSettings web) {
        List<RoleWiring> wirings = new ArrayList<>();
        for (String id : roles) {
            RoleName name = RoleName.parse(id);
            wirings.add(switch (name) {
                case ACCOUNTS -> new AccountsWiring(accounts);
                case KEYS -> new KeysWiring(keys);
                case CLOUD -> new CloudWiring(cloud);
                case WEB -> new WebWiring(web);
                case ENDPOINT -> throw new IllegalArgumentException("give the endpoint role with ServeConfig.with");
            });
        }
        return wirings;
    }

    /** The same, with {@code endpoint} ("" for none) as the endpoint My Safelight's Institution page asks. */
    public ServeConfig withWebEndpoint(String endpoint) {
        WebWiring web = wiring(WebWiring.class).orElseThrow(() -> new IllegalStateException("no web role"));
        return with(new WebWiring(web.settings().withEndpoint(endpoint)));
    }

    /** This configuration with {@code wiring} added, or in place of the one for the same role. */
    public ServeConfig with(RoleWiring wiring) {
        List<RoleWiring> changed = new ArrayList<>(wirings);
        changed.removeIf(w -> w.name() == wiring.name());
        changed.add(wiring);
        return new ServeConfig(dataDir, host, port, databaseUrl, databaseUser, databasePassword, accountsUrl, publicUrl,
                trustedProxies, serviceCredential, changed, operations);
    }

    /** This configuration watched and stopped as {@code settings} say. */
    public ServeConfig with(OperationsSettings settings) {
        return new ServeConfig(dataDir, host, port, databaseUrl, databaseUser, databasePassword, accountsUrl, publicUrl,
                trustedProxies, serviceCredential, wirings, settings);
    }

    /**
     * The cloud role's settings as the test fixtures give them ({@link CloudSettings} with the
     * shared service credential).
     */
    public record Cloud(UploadLimits uploads, String blobStore, URI s3Endpoint, String s3Region, String s3Bucket,
                        String s3AccessKey, String s3SecretKey, ServiceCredential serviceCredential) {
        public static final Cloud DEFAULTS = new Cloud(UploadLimits.DEFAULTS, "folder", null, "", "", "", "");

        /** Without a service credential. */
        public Cloud(UploadLimits uploads, String blobStore, URI s3Endpoint, String s3Region, String s3Bucket,
                     String s3AccessKey, String s3SecretKey) {
            this(uploads, blobStore, s3Endpoint, s3Region, s3Bucket, s3AccessKey, s3SecretKey, ServiceCredential.NONE);
        }

        static Cloud of(CloudSettings s) {
            return new Cloud(s.uploads(), s.blobStore(), s.s3Endpoint(), s.s3Region(), s.s3Bucket(), s.s3AccessKey(),
                    s.s3SecretKey(), s.serviceCredential());
        }

        public Cloud withServiceCredential(ServiceCredential credential) {
            return new Cloud(uploads, blobStore, s3Endpoint, s3Region, s3Bucket, s3AccessKey, s3SecretKey, credential);
        }

        public boolean s3() {
            return "s3".equals(blobStore);
        }

        public CloudSettings settings() {
            return new CloudSettings(uploads, blobStore, s3Endpoint, s3Region, s3Bucket, s3AccessKey, s3SecretKey,
                    serviceCredential);
        }
    }

    /** SMTP settings as the test fixtures give them; {@code host} empty means the outbox folder instead. */
    public record Smtp(String host, int port, String user, String password, String from, boolean startTls) {
        public boolean enabled() {
            return host != null && !host.isBlank();
        }
    }

    /** The chosen roles, in the order they are built. */
    public Set<RoleName> roles() {
        Set<RoleName> names = new LinkedHashSet<>();
        wirings.forEach(w -> names.add(w.name()));
        return names;
    }

    public boolean runs(RoleName role) {
        return wirings.stream().anyMatch(w -> w.name() == role);
    }

    /** The chosen role's wiring of this class, if that role runs. */
    public <T extends RoleWiring> Optional<T> wiring(Class<T> type) {
        return wirings.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The cloud role's settings (the defaults when it does not run here). */
    public Cloud cloud() {
        return Cloud.of(wiring(CloudWiring.class).map(CloudWiring::settings).orElse(CloudSettings.DEFAULTS))
                .withServiceCredential(serviceCredential);
    }

    /** The web role's key servers on other origins (none when it does not run here). */
    public List<String> webKeyServers() {
        return wiring(WebWiring.class).map(w -> w.settings().keyServers()).orElse(List.of());
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

    /** The shared settings, then each role's own, secrets masked. */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data-dir", dataDir.toAbsolutePath().toString());
        d.put("listen", host + ":" + port);
        d.put("roles", String.join(",", roles().stream().map(RoleName::id).toList()));
        d.put("database-url", maskUrl(databaseUrl));
        d.put("database-user", databaseUser == null ? "" : databaseUser);
        d.put("database-password", mask(databasePassword));
        d.put("public-url", publicUrl.toString());
        d.put("accounts-url", accountsUrl == null ? "(this server)" : accountsUrl.toString());
        d.put("trusted-proxies", trustedProxies.entries().isEmpty() ? "(none: X-Forwarded-For is ignored)"
                : String.join(",", trustedProxies.entries()));
        d.put("service-credential", serviceCredential.configured() ? "****" : "(none)");
        d.putAll(operations.describe());
        for (RoleWiring wiring : wirings) {
            d.putAll(wiring.describe(dataDir));
        }
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
