package org.safelight.cli.serve;

import io.javalin.Javalin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.safelight.cloud.CloudStore;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.RotationWatch;
import org.safelight.server.db.Database;
import org.safelight.cli.logs.LogConsole;
import org.safelight.server.http.Operations;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServerApp;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.server.role.Worker;
import org.safelight.server.tls.CertificateExpiry;
import org.safelight.server.tls.TlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server process, started from a {@link ServeConfig}: the database, then each chosen
 * role in {@link RoleName} order — every role's migrations, then every role built by its
 * {@link RoleWiring} from one {@link RoleContext}, then the roles' workers — then HTTP (HTTPS when
 * DATA_DIR/certs holds certificates), watched as {@link Observability} says. {@link #close()} stops
 * it in reverse: readiness fails, HTTP keeps serving for the shutdown drain, then takes no new
 * connections and lets the requests in flight finish (up to the shutdown grace), then the metrics,
 * the workers, what the roles registered, the database, the data folder's lock.
 */
public final class SafelightServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SafelightServer.class);

    private final Javalin app;
    private final Database database;
    private final RoleContext context;
    private final Running running;
    private final String scheme;
    private final DataFolderLock lock;
    private final Observability watch;

    private SafelightServer(Javalin app, Database database, RoleContext context, Running running, String scheme,
                            DataFolderLock lock, Observability watch) {
        this.lock = lock;
        this.watch = watch;
        this.app = app;
        this.database = database;
        this.context = context;
        this.running = running;
        this.scheme = scheme;
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
        return start(config, clock, null);
    }

    /**
     * Same, with the master key from {@code masterKey} (a PKCS#11 token), opened before any role is
     * built so that a wrong PIN or a missing key stops the start; null for the default (the
     * environment, or the data folder's file).
     *
     * @throws org.safelight.server.crypto.MasterKeyException when that key cannot be opened, or a
     *     master key rotation is unfinished
     */
    public static SafelightServer start(ServeConfig config, Clock clock, Supplier<MasterKey> masterKey)
            throws Exception {
        StartRollback rollback = StartRollback.before(config.dataDir(), config.databaseUrl());
        DataFolderLock lock = null;
        Database database = null;
        RoleContext context = null;
        Running running = new Running();
        Javalin app = null;
        Observability watch = null;
        LogConsole.use(config.operations().logFormat());
        try {
            DataFolder.prepare(config.dataDir(), config.databaseUrl());
            lock = DataFolderLock.acquire(config.dataDir());
            rollback = rollback.underLock();
            for (Map.Entry<String, String> e : config.describe().entrySet()) {
                LOG.info("config {} = {}", e.getKey(), e.getValue());
            }
            config.publicUrlWarning().ifPresent(LOG::warn);
            database = Database.open(config.databaseUrl(), config.databaseUser(), config.databasePassword());
            context = new RoleContext(database, config.dataDir(), clock, config.publicUrl(), config.accountsUrl(),
                    config.roles(), config.serviceCredential());
            watch = new Observability(config.operations(), database, context);
            if (masterKey != null) {
                context.useMasterKey(masterKey);
                context.masterKey();
            }
            List<Role> roles = build(config.wirings(), database, context);
            // Another host may start a master key rotation on this database: stop sealing once it does.
            RotationWatch rotation = new RotationWatch(database, context::loadedMasterKey);
            context.readiness("master-key", rotation::check);
            running.start(Worker.periodic("master-key-rotation-watch", RotationWatch.EVERY, rotation::poll));
            watch.migrated();
            Operations ops = watch.operations(database, context);
            for (Role role : roles) {
                for (Worker worker : role.workers()) {
                    running.start(worker);
                }
            }
            Path certs = config.dataDir().resolve("certs");
            String scheme;
            if (TlsConfig.present(certs)) {
                TlsConfig tls = TlsConfig.load(certs);
                CertificateExpiry.register(context.metrics(), tls, clock);
                app = ServerApp.create(roles, ops, c -> {
                    tls.install(c, config.host(), config.port());
                    config.trustedProxies().install(c);
                });
                app.start();
                context.closeOnStop(tls.watch(Duration.ofSeconds(10), clock));
                scheme = "https";
            } else {
                app = ServerApp.create(roles, ops, config.trustedProxies()::install);
                app.start(config.host(), config.port());
                scheme = "http";
            }
            watch.listen();
            SafelightServer server = new SafelightServer(app, database, context, running, scheme, lock, watch);
            LOG.info("Safelight is serving {} on {}", String.join(",", config.roles().stream().map(RoleName::id)
                    .toList()), server.url());
            return server;
        } catch (Exception | Error e) {
            if (app != null) {
                app.stop();
            }
            if (watch != null) {
                watch.close();
            }
            running.stopAll();
            if (context != null) {
                context.closeResources();
            }
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

    /** Every role's migrations first, then every role in order: a role finds what those before it provided. */
    static List<Role> build(List<RoleWiring> wirings, Database database, RoleContext context) throws Exception {
        for (RoleWiring wiring : wirings) {
            wiring.migrations().ifPresent(database::migrate);
        }
        List<Role> roles = new ArrayList<>();
        for (RoleWiring wiring : wirings) {
            Role role = wiring.build(context);
            if (role.roleName() != wiring.name()) {
                throw new IllegalStateException("the " + wiring.name() + " wiring built the " + role.roleName() + " role");
            }
            roles.add(role);
        }
        return roles;
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

    /** A service a role of this server provided ({@link RoleContext#service}). */
    public <T> Optional<T> service(Class<T> type) {
        return context.service(type);
    }

    /** The cloud role's store, when this server runs it (tests sweep it after moving the clock). */
    public Optional<CloudStore> cloudStore() {
        return context.service(CloudStore.class);
    }

    /** The {@code --metrics-port} listener's port, when there is one. */
    public java.util.OptionalInt metricsPort() {
        return watch.metricsAddress().map(a -> java.util.OptionalInt.of(a.getPort())).orElse(java.util.OptionalInt.empty());
    }

    /** The address the {@code --metrics-port} listener is bound to, when there is one. */
    public java.util.Optional<java.net.InetSocketAddress> metricsAddress() {
        return watch.metricsAddress();
    }

    @Override
    public void close() {
        LOG.info("stopping: not ready from now on; serving {} s more, then requests in flight may finish",
                watch.drain().toSeconds());
        watch.stopping();
        drain(watch.drain());
        app.stop(); // stops accepting, then waits for the requests in flight, up to the shutdown grace
        watch.close();
        running.stopAll();
        context.closeResources();
        database.close();
        lock.close(); // last: another server may take the folder now
    }

    /**
     * Keeps serving normally while readiness already fails, so load balancers and probes (which poll
     * every few seconds) take this instance out before it refuses connections.
     */
    private static void drain(Duration drain) {
        if (drain.isZero()) {
            return;
        }
        try {
            Thread.sleep(drain.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to hurry: stop now
        }
    }

    /** The workers started so far; stopped newest first, a failure logged by its class only. */
    private static final class Running {
        private final List<Worker> started = new ArrayList<>();

        void start(Worker worker) {
            worker.start();
            started.add(worker);
        }

        void stopAll() {
            for (int i = started.size() - 1; i >= 0; i--) {
                Worker worker = started.get(i);
                try {
                    worker.stop();
                } catch (RuntimeException e) {
                    LOG.warn("stopping {} failed: {}", worker.name(), e.getClass().getSimpleName());
                }
            }
            started.clear();
        }
    }
}
