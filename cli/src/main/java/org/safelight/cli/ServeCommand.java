package org.safelight.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.safelight.client.KeyServerTrust;
import org.safelight.cli.serve.DataFolder;
import org.safelight.cli.serve.DataFolderLock;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.cloud.UploadLimits;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.http.TrustedProxies;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run Safelight's server roles in one process.",
            "Every option can also come from the environment (--database-url from SAFELIGHT_DATABASE_URL)",
            "or from a properties file given with --config or SAFELIGHT_CONFIG (database-url=...).",
            "With privkey.pem, cert.pem and fullchain.pem in DATA_DIR/certs the server speaks HTTPS only,",
            "and picks up renewed certificates without a restart."})
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file of these options without the dashes (port=8080); an unknown key is refused.")
    Path config;

    @Option(names = "--verbose", description = "Also show the libraries' information lines (Flyway, Jetty, ...).")
    boolean verbose;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "safelight-data",
            description = "Where the database, keys, policy files, certificates and outbox live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = {"The address to listen on (default: ${DEFAULT-VALUE}, this computer only); 0.0.0.0 for",
                "every interface, with --public-url the address users reach."})
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "The port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--roles", paramLabel = "R,...", defaultValue = "accounts,keys,cloud,web",
            description = "Roles to run: accounts, keys, cloud, web (default: ${DEFAULT-VALUE}).")
    String roles;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "jdbc:postgresql://... for PostgreSQL (default: SQLite in the data folder).")
    String databaseUrl;

    @Option(names = "--database-user", paramLabel = "USER",
            description = "The database user, with SAFELIGHT_DATABASE_PASSWORD (PostgreSQL).")
    String databaseUser;

    @Option(names = "--database-password", paramLabel = "PASSWORD", hidden = true,
            description = "Prefer SAFELIGHT_DATABASE_PASSWORD.")
    String databasePassword;

    @Option(names = "--accounts-url", paramLabel = "URL",
            description = "The accounts server the keys and cloud roles trust, when accounts runs elsewhere.")
    URI accountsUrl;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "How users reach this server, for links in emails (default: http://localhost:PORT).")
    URI publicUrl;

    @Option(names = "--trusted-origins", paramLabel = "URL,...", defaultValue = "",
            description = "Web origins allowed to call the key server from a browser (CORS).")
    String trustedOrigins;

    @Option(names = "--trusted-proxies", paramLabel = "ADDRESS|CIDR,...", defaultValue = "",
            description = {"Reverse proxies in front of this server (addresses or CIDR blocks). Their",
                "X-Forwarded-For names the client for rate limits and the audit; anyone else's is ignored."})
    String trustedProxies;

    @Option(names = "--web-key-servers", paramLabel = "URL,...", defaultValue = "",
            description = {"Key servers on other origins that My Safelight pages may ask for report keys",
                "(allowed by their Content-Security-Policy); this server's own origin always is."})
    String webKeyServers;

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

    @Option(names = "--key-requests-per-minute", paramLabel = "N", defaultValue = "60",
            description = "Key requests one user may make per minute, in bursts of as many (default: ${DEFAULT-VALUE}).")
    int keyRequestsPerMinute;

    @Option(names = "--cloud-max-upload-mb", paramLabel = "MB", defaultValue = "2048",
            description = "The largest report the cloud role accepts, in MiB (default: ${DEFAULT-VALUE}).")
    long cloudMaxUploadMb;

    @Option(names = "--cloud-quota-mb", paramLabel = "MB", defaultValue = "10240",
            description = "The most one user's unexpired cloud reports may take together, in MiB; 0 for no quota"
                    + " (default: ${DEFAULT-VALUE}).")
    long cloudQuotaMb;

    @Option(names = "--cloud-uploads-per-hour", paramLabel = "N", defaultValue = "120",
            description = "Cloud uploads one user may make per hour, in bursts of as many (default: ${DEFAULT-VALUE}).")
    int cloudUploadsPerHour;

    @Option(names = "--blob-store", paramLabel = "folder|s3", defaultValue = "folder",
            description = "Where the cloud role keeps reports: folder (DATA_DIR/cloud) or s3 (default: ${DEFAULT-VALUE}).")
    String blobStore;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "An S3-compatible server (default: AWS S3); path-style addressing is used.")
    URI s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "The S3 region (default: ${DEFAULT-VALUE}).")
    String s3Region;

    @Option(names = "--s3-bucket", paramLabel = "BUCKET", defaultValue = "",
            description = "The bucket that holds the cloud's reports (needed with --blob-store s3).")
    String s3Bucket;

    @Option(names = "--s3-access-key", paramLabel = "KEY", defaultValue = "",
            description = "With --s3-secret-key; without both, the AWS default credential chain.")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", paramLabel = "SECRET", hidden = true, defaultValue = "",
            description = "Prefer SAFELIGHT_S3_SECRET_KEY.")
    String s3SecretKey;

    @Option(names = "--service-credential", paramLabel = "SECRET", hidden = true, defaultValue = "",
            description = "Prefer SAFELIGHT_SERVICE_CREDENTIAL. The secret (32+ characters) a cloud role and an"
                    + " accounts role in separate processes share; the cloud role writes the upload log with it.")
    String serviceCredential;

    ServeConfig config() {
        Set<String> chosen = new LinkedHashSet<>();
        for (String r : roles.split(",")) {
            String role = r.trim();
            if (role.isEmpty()) {
                continue;
            }
            if (!ServeConfig.KNOWN_ROLES.contains(role)) {
                throw new Failures.UsageException("unknown role '" + role + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(ServeConfig.KNOWN_ROLES)) + ")");
            }
            chosen.add(role);
        }
        if (keyRequestsPerMinute < 1) {
            throw new Failures.UsageException("--key-requests-per-minute must be at least 1");
        }
        if (chosen.isEmpty()) {
            throw new Failures.UsageException("no role to run");
        }
        if (chosen.contains("keys") && !chosen.contains("accounts") && accountsUrl == null) {
            throw new Failures.UsageException("the keys role alone needs --accounts-url: the accounts server it trusts");
        }
        if (chosen.contains("cloud") && !chosen.contains("accounts") && accountsUrl == null) {
            throw new Failures.UsageException("the cloud role without accounts needs --accounts-url: the accounts"
                    + " server whose users it serves and whose report lists it writes");
        }
        ServeConfig.Cloud cloud = cloudConfig();
        if (chosen.contains("cloud") && !chosen.contains("accounts") && !cloud.serviceCredential().configured()) {
            throw new Failures.UsageException("the cloud role without accounts needs --service-credential (or"
                    + " SAFELIGHT_SERVICE_CREDENTIAL): the secret the accounts server was given for writing its"
                    + " upload log");
        }
        List<String> origins = Arrays.stream(trustedOrigins.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        URI publicUri = publicUrl != null ? publicUrl : URI.create("http://localhost:" + port);
        return new ServeConfig(dataDir, host, port, chosen,
                databaseUrl == null || databaseUrl.isBlank() ? Database.sqliteUrl(dataDir) : databaseUrl,
                databaseUser, databasePassword, accountsUrl, publicUri, origins,
                new ServeConfig.Smtp(smtpHost, smtpPort, smtpUser, smtpPassword, smtpFrom, smtpStartTls),
                keyRequestsPerMinute, cloud, webKeyServers(webKeyServers), trustedProxies(trustedProxies));
    }

    private static TrustedProxies trustedProxies(String text) {
        try {
            return TrustedProxies.parse(Arrays.asList(text.split(",")));
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("--trusted-proxies: " + e.getMessage());
        }
    }

    private static List<String> webKeyServers(String text) {
        List<String> urls = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String url : urls) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new Failures.UsageException("--web-key-servers: '" + url + "' is not a URL");
            }
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new Failures.UsageException("--web-key-servers: '" + url + "' is not an http:// or https:// URL");
            }
            // Pages send key-server tokens there: the CLI's rule, https or this computer only.
            String origin = KeyServerTrust.origin(url);
            if (!KeyServerTrust.plainHttpAllowed(origin, "")) {
                throw new Failures.UsageException("--web-key-servers: " + origin + " is plain http on another host;"
                        + " My Safelight sends sign-ins only over https, or to this computer: use its https:// address");
            }
        }
        return urls;
    }

    private ServeConfig.Cloud cloudConfig() {
        if (cloudMaxUploadMb < 1 || cloudMaxUploadMb > (1L << 20)) {
            throw new Failures.UsageException("--cloud-max-upload-mb must be 1 to 1048576");
        }
        if (cloudQuotaMb < 0 || cloudQuotaMb > (1L << 30)) {
            throw new Failures.UsageException("--cloud-quota-mb must be 0 (no quota) to 1073741824");
        }
        if (cloudUploadsPerHour < 1) {
            throw new Failures.UsageException("--cloud-uploads-per-hour must be at least 1");
        }
        if (cloudQuotaMb != 0 && cloudQuotaMb < cloudMaxUploadMb) {
            throw new Failures.UsageException("--cloud-quota-mb (" + cloudQuotaMb + ") must be 0 or at least"
                    + " --cloud-max-upload-mb (" + cloudMaxUploadMb + ")");
        }
        if (!blobStore.equals("folder") && !blobStore.equals("s3")) {
            throw new Failures.UsageException("--blob-store is folder or s3");
        }
        if (blobStore.equals("s3") && s3Bucket.isBlank()) {
            throw new Failures.UsageException("--blob-store s3 needs --s3-bucket");
        }
        if (s3AccessKey.isBlank() != s3SecretKey.isBlank()) {
            throw new Failures.UsageException("give both --s3-access-key and --s3-secret-key, or neither");
        }
        ServiceCredential credential;
        try {
            credential = new ServiceCredential(serviceCredential.strip());
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("--service-credential: " + e.getMessage());
        }
        return new ServeConfig.Cloud(new UploadLimits(cloudMaxUploadMb << 20, cloudQuotaMb << 20,
                cloudUploadsPerHour), blobStore, s3Endpoint, s3Region, s3Bucket.strip(),
                s3AccessKey.strip(), s3SecretKey, credential);
    }

    @Override
    public Integer call() throws Exception {
        ServeConfig cfg = config();
        SafelightServer server;
        try {
            server = SafelightServer.start(cfg);
        } catch (DataFolder.NotPrivateException | DataFolderLock.HeldException e) {
            throw new Failures.UsageException(e.getMessage());
        }
        main.stdout.println("Safelight is serving " + String.join(", ", cfg.roles()) + " on " + server.url());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "safelight-shutdown"));
        stopped.await();
        return ExitCode.OK;
    }
}
