package org.safelight.cli.serve;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safelight.accounts.AccountsRole;
import org.safelight.accounts.AccountsStores;
import org.safelight.accounts.RateLimits;
import org.safelight.accounts.mail.Mailer;
import org.safelight.accounts.mail.OutboxMailer;
import org.safelight.accounts.mail.SmtpMailer;
import org.safelight.accounts.mail.SmtpSettings;
import org.safelight.accounts.tokens.SigningKeys;
import org.safelight.accounts.users.PasswordHasher;
import org.safelight.cloud.CloudLinks;
import org.safelight.cloud.CloudStore;
import org.safelight.cloud.LinkStatus;
import org.safelight.keys.EnterpriseAdmins;
import org.safelight.keys.KeyServer;
import org.safelight.server.db.Database;
import org.safelight.server.tasks.PeriodicTask;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.enterprise.HttpEnterpriseAuthority;
import org.safelight.server.http.Role;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.http.ServerApp;
import org.safelight.server.tls.TlsConfig;
import org.safelight.server.tokens.HttpJwks;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenAudience;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.web.SharedLinks;
import org.safelight.web.WebRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server process, wired by hand from a {@link ServeConfig}: the database, each chosen
 * role, HTTPS when DATA_DIR/certs holds certificates. {@link #close()} stops it in reverse order.
 */
public final class SafelightServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SafelightServer.class);

    private final Javalin app;
    private final Database database;
    private final List<AutoCloseable> resources;
    private final String scheme;
    private final CloudStore cloudStore;
    private final DataFolderLock lock;

    private SafelightServer(Javalin app, Database database, List<AutoCloseable> resources, String scheme,
                            CloudStore cloudStore, DataFolderLock lock) {
        this.lock = lock;
        this.app = app;
        this.database = database;
        this.resources = resources;
        this.scheme = scheme;
        this.cloudStore = cloudStore;
    }

    public static SafelightServer start(ServeConfig config) throws Exception {
        return start(config, Clock.systemUTC());
    }

    /**
     * With a chosen clock (tests move it to reach expiries). A start that fails leaves nothing
     * behind: no port held, no thread running, the data folder's lock released, and what it wrote
     * into a new data folder removed ({@link StartRollback}).
     *
     * @throws DataFolderLock.HeldException when another server uses the data folder
     * @throws DataFolder.NotPrivateException when a path in it others can read is not ours to narrow
     */
    public static SafelightServer start(ServeConfig config, Clock clock) throws Exception {
        StartRollback rollback = StartRollback.before(config.dataDir(), config.databaseUrl());
        List<AutoCloseable> resources = new ArrayList<>();
        DataFolderLock lock = null;
        Database database = null;
        Javalin app = null;
        try {
            DataFolder.prepare(config.dataDir(), config.databaseUrl());
            lock = DataFolderLock.acquire(config.dataDir());
            rollback = rollback.underLock();
            for (Map.Entry<String, String> e : config.describe().entrySet()) {
                LOG.info("config {} = {}", e.getKey(), e.getValue());
            }
            config.publicUrlWarning().ifPresent(LOG::warn);
            database = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword());
            List<Role> roles = new ArrayList<>();
            CloudStore cloudStore = Roles.build(config, database, clock, roles, resources);
            Path certs = config.dataDir().resolve("certs");
            String scheme;
            if (TlsConfig.present(certs)) {
                TlsConfig tls = TlsConfig.load(certs);
                app = ServerApp.create(roles, c -> {
                    tls.install(c, config.host(), config.port());
                    config.trustedProxies().install(c);
                });
                app.start();
                resources.add(tls.watch(Duration.ofSeconds(10), clock));
                scheme = "https";
            } else {
                app = ServerApp.create(roles, config.trustedProxies()::install);
                app.start(config.host(), config.port());
                scheme = "http";
            }
            SafelightServer server = new SafelightServer(app, database, resources, scheme, cloudStore, lock);
            LOG.info("Safelight is serving {} on {}", String.join(",", config.roles()), server.url());
            return server;
        } catch (Exception | Error e) {
            if (app != null) {
                app.stop();
            }
            closeAll(resources);
            if (database != null) {
                database.close();
            }
            if (lock != null) {
                // Undone while the lock is still ours; a start refused the lock removes nothing,
                // since the folder's contents are the other server's.
                rollback.undo();
                lock.close();
            }
            throw e;
        }
    }

    /**
     * A token verifier for a role of this process: against the accounts role in this process, or
     * the one at --accounts-url, whose origin is then the tokens' issuer.
     */
    static TokenVerifier tokenVerifier(ServeConfig config, java.util.function.Supplier<com.nimbusds.jose.jwk.JWKSet> local,
                                       TokenAudience audience, Clock clock) {
        if (config.accountsUrl() != null) {
            return new JwksTokenVerifier(new HttpJwks(config.accountsUrl(), HttpClient.newHttpClient()), audience, clock);
        }
        return new JwksTokenVerifier(local, audience, clock);
    }

    /** The accounts role's address: --accounts-url, or this server's own when it runs accounts. */
    static URI issuer(ServeConfig config) {
        return config.accountsUrl() != null ? config.accountsUrl() : config.publicUrl();
    }

    /** "METHOD /path" of every HTTP route this server answers (not CORS preflights or filters). */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod() && !"OPTIONS".equals(e.endpoint.method.name())
                        && !"HEAD".equals(e.endpoint.method.name()))
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .distinct().sorted().toList();
    }

    public int port() {
        return app.port();
    }

    public URI url() {
        return URI.create(scheme + "://localhost:" + app.port());
    }

    public Database database() {
        return database;
    }

    /** The cloud role's store, when this server runs it (tests sweep it after moving the clock). */
    public Optional<CloudStore> cloudStore() {
        return Optional.ofNullable(cloudStore);
    }

    @Override
    public void close() {
        app.stop();
        closeAll(resources);
        database.close();
        lock.close(); // last: another server may take the folder now
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", resources.get(i).getClass().getSimpleName(), e.getClass().getSimpleName());
            }
        }
    }

    /** Which roles run, and what each needs. */
    static final class Roles {
        private Roles() {
        }

        /** @return the cloud store, when the cloud role runs */
        static CloudStore build(ServeConfig config, Database database, Clock clock, List<Role> roles,
                                List<AutoCloseable> resources) throws Exception {
            java.util.function.Supplier<com.nimbusds.jose.jwk.JWKSet> localKeys = () -> {
                throw new IllegalStateException("no accounts role in this process");
            };
            // Which enterprise an API key or Key Server Token belongs to: accounts in this process, or asked over HTTP.
            EnterpriseAuthority enterprises = config.accountsUrl() != null
                    ? new HttpEnterpriseAuthority(config.accountsUrl(), HttpClient.newHttpClient(), clock)
                    : EnterpriseAuthority.none();
            AccountsStores accounts = null;
            if (config.runs("accounts")) {
                SigningKeys signing = SigningKeys.loadOrCreate(config.dataDir(), clock);
                localKeys = signing::publicKeys;
                ServeConfig.Smtp smtp = config.smtp();
                Mailer mailer = smtp.enabled()
                        ? new SmtpMailer(new SmtpSettings(smtp.host(), smtp.port(), smtp.user(), smtp.password(),
                                smtp.from(), smtp.startTls()), clock)
                        : new OutboxMailer(config.dataDir(), smtp.from(), clock);
                accounts = AccountsStores.open(database, clock);
                enterprises = accounts.credentials();
                AccountsStores stores = accounts;
                resources.add(new PeriodicTask("accounts-purge", Duration.ofHours(1),
                        () -> stores.purgeExpired(clock.instant())));
                AccountsRole role = new AccountsRole(accounts, mailer, signing, config.publicUrl(),
                        RateLimits.standard(clock), PasswordHasher.standard(), config.cloud().serviceCredential(),
                        clock);
                resources.add(role); // finishes the mail written after answers
                roles.add(role);
            }
            if (config.runs("keys")) {
                int perMinute = config.keyRequestsPerMinute();
                // The admin of a sender's enterprise sees its reports' whole access logs: known when accounts runs here.
                AccountsStores local = accounts;
                EnterpriseAdmins admins = local == null ? EnterpriseAdmins.none()
                        : (enterprise, user) -> local.enterprises().membershipOf(user.email(), user.emailVerified())
                                .filter(m -> m.enterpriseId().equals(enterprise)).map(m -> m.admin()).orElse(false);
                // Only tokens the accounts role scoped to this key server's own public origin.
                TokenAudience ownOrigin = TokenAudience.keyServer(issuer(config), config.publicUrl());
                KeyServer keys = KeyServer.open(database, config.dataDir(), tokenVerifier(config, localKeys, ownOrigin,
                        clock),
                        config.trustedOrigins(), new RateLimiter(perMinute, perMinute / 60.0, clock), enterprises,
                        admins, clock);
                resources.add(keys);
                roles.add(keys.role());
            }
            CloudStore cloudStore = null;
            SharedLinks links = SharedLinks.NONE;
            if (config.runs("cloud")) {
                CloudWiring.Built cloud = CloudWiring.build(config, database, tokenVerifier(config, localKeys,
                        TokenAudience.users(issuer(config)), clock), accounts, clock);
                resources.addAll(cloud.resources());
                roles.add(cloud.role());
                cloudStore = cloud.store();
                links = webLinks(cloud.links());
            }
            if (config.runs("web")) {
                roles.add(new WebRole(links, config.publicUrl(), config.webKeyServers(),
                        Optional.of(config.webEndpoint()).filter(e -> !e.isBlank())));
            }
            return cloudStore;
        }

        /** The web role's landing page asks the cloud role in this process about share links. */
        static SharedLinks webLinks(CloudLinks links) {
            return (region, name) -> {
                LinkStatus status = links.status(region, name);
                if (status instanceof LinkStatus.Active active) {
                    return new SharedLinks.Status.Active(active.expiresAt());
                }
                return status instanceof LinkStatus.Expired ? new SharedLinks.Status.Expired()
                        : new SharedLinks.Status.Unknown();
            };
        }
    }
}
