package org.safelight.cli.cluster;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.safelight.cli.Main;
import org.safelight.cloud.testing.S3Mock;
import org.safelight.server.db.Database;
import org.safelight.server.testing.Ports;

/**
 * Several {@code safelight serve} instances as one deployment: one PostgreSQL (embedded, started
 * for this cluster alone), one S3 bucket (S3Mock's standalone jar), one master key given to every
 * instance through the environment, one public URL, and Debian's nginx in front balancing round
 * robin. Each instance has its own data folder and nothing else of its own.
 *
 * <p>{@link #close} stops everything it started, in reverse order, also after a failed start; a
 * shutdown hook kills what is left if the JVM exits first (a test timeout). Not thread-safe:
 * start, kill and close from one thread; the getters may be read from any.
 */
final class Cluster implements AutoCloseable {
    static final String DATABASE = "safelight";
    static final String ROLES = "accounts,keys,cloud";

    /**
     * How to run it.
     *
     * @param instances how many {@code serve} processes
     * @param jvm       options for each instance's JVM
     * @param serveArgs extra {@code serve} options for every instance (limits)
     * @param nginxWorkers nginx worker processes
     * @param accessLog whether nginx logs which upstream answered each request
     */
    record Options(int instances, List<String> jvm, List<String> serveArgs, int nginxWorkers, boolean accessLog) {
    }

    private final Path dir;
    private final Options options;
    private final String masterKey;
    // read by the shutdown hook
    private final List<ServeInstance> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread reaper = new Thread(this::killEverything, "cluster-reaper");
    private EmbeddedPostgres postgres;
    private S3Mock s3;
    private Nginx nginx;
    private Database database;

    private Cluster(Path dir, Options options) {
        this.dir = dir;
        this.options = options;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.masterKey = Base64.getEncoder().encodeToString(key);
    }

    /** Starts everything and waits until nginx and every instance answer. */
    static Cluster start(Path dir, Options options) throws Exception {
        Cluster cluster = new Cluster(dir, options);
        Runtime.getRuntime().addShutdownHook(cluster.reaper);
        try {
            cluster.startAll();
            return cluster;
        } catch (Exception | Error e) {
            try {
                cluster.close();
            } catch (RuntimeException stopping) {
                e.addSuppressed(stopping);
            }
            throw e;
        }
    }

    private void startAll() throws Exception {
        ExecutorService starter = Executors.newFixedThreadPool(Math.max(2, options.instances()));
        try {
            // PostgreSQL and S3Mock at the same time: both take seconds, mostly waiting.
            Future<EmbeddedPostgres> pg = starter.submit(() -> EmbeddedPostgres.builder()
                    // durable commits, as in production (the instances also ask for them on each connection)
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(Duration.ofSeconds(90)).start());
            Future<S3Mock> bucket = starter.submit(() -> S3Mock.start(Files.createDirectories(dir.resolve("s3"))));
            try {
                postgres = pg.get(3, TimeUnit.MINUTES);
            } finally {
                s3 = bucket.get(3, TimeUnit.MINUTES); // kept for close() even when PostgreSQL failed
            }
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < options.instances(); i++) {
                int port;
                do {
                    port = Ports.unused();
                } while (ports.contains(port));
                ports.add(port);
            }
            // nginx first: its port is the public URL every instance must be told.
            nginx = Ports.onFreePort(port -> Nginx.start(dir.resolve("nginx"), port, ports, options.nginxWorkers(),
                    options.accessLog()));
            // The first alone: it migrates the empty database. Instances starting together on an
            // empty PostgreSQL database can race in Flyway (baselineOnMigrate: "Unable to baseline
            // schema history table ... as it already exists, and is empty"). The others together.
            instances.add(startInstance("instance-1", ports.get(0)));
            List<Future<ServeInstance>> starting = new ArrayList<>();
            for (int i = 1; i < options.instances(); i++) {
                String name = "instance-" + (i + 1);
                int port = ports.get(i);
                starting.add(starter.submit(() -> startInstance(name, port)));
            }
            List<Exception> failures = new ArrayList<>();
            for (Future<ServeInstance> f : starting) {
                try {
                    instances.add(f.get(10, TimeUnit.MINUTES)); // each start has its own deadline
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause() instanceof Exception cause ? cause : e);
                }
            }
            if (!failures.isEmpty()) {
                failures.subList(1, failures.size()).forEach(failures.get(0)::addSuppressed);
                throw failures.get(0);
            }
            // nginx again, now that every instance answers: the probe that showed nginx itself up was
            // answered while no instance was, and nginx counts that against each of them for its
            // fail_timeout (the test's first requests would find "no live upstreams"); and an
            // instance may have moved to another port when its first was taken.
            List<Integer> bound = instances.stream().map(ServeInstance::port).toList();
            int port = nginx.port();
            nginx.close();
            nginx = Nginx.start(dir.resolve("nginx"), port, bound, options.nginxWorkers(), options.accessLog());
            database = Database.open(jdbcUrl(), "postgres", "postgres");
        } finally {
            starter.shutdownNow();
        }
    }

    /** The instance on {@code port}, or on another free one when that was taken meanwhile. */
    private ServeInstance startInstance(String name, int port) throws Exception {
        try {
            return ServeInstance.start(dir, name, port, serveArgs(), env(), options.jvm());
        } catch (Ports.PortTaken taken) {
            return Ports.onFreePort(p -> ServeInstance.start(dir, name, p, serveArgs(), env(), options.jvm()));
        }
    }

    private List<String> serveArgs() {
        List<String> args = new ArrayList<>(List.of("--roles", ROLES,
                "--public-url", publicUrl().toString(),
                "--database-url", jdbcUrl(), "--database-user", "postgres",
                "--trusted-proxies", "127.0.0.1",
                "--blob-store", "s3", "--s3-endpoint", s3.endpoint().toString(), "--s3-region", "eu-central-1",
                "--s3-bucket", S3Mock.BUCKET, "--s3-access-key", "test-access"));
        args.addAll(options.serveArgs());
        return args;
    }

    /** What every instance (and an operator's command) is given in its environment: the secrets. */
    Map<String, String> env() {
        return Map.of("SAFELIGHT_MASTER_KEY", masterKey, "SAFELIGHT_DATABASE_PASSWORD", "postgres",
                "SAFELIGHT_S3_SECRET_KEY", "test-secret");
    }

    /** Where users reach the deployment: nginx. */
    URI publicUrl() {
        return nginx.url();
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", DATABASE);
    }

    List<ServeInstance> instances() {
        return List.copyOf(instances);
    }

    List<ServeInstance> alive() {
        return instances.stream().filter(ServeInstance::alive).toList();
    }

    Nginx nginx() {
        return nginx;
    }

    /** The deployment's database, for checks the API cannot make. */
    Database database() {
        return database;
    }

    /** Every instance's outbox: a sign-up's message is written by whichever instance took it. */
    List<Path> outboxes() {
        return instances.stream().map(i -> i.dataDir().resolve("outbox")).toList();
    }

    /**
     * nginx again, in front of the first {@code count} instances only, on the same port (the public
     * URL): for measuring one, two and three instances on the same database.
     */
    void balanceOver(int count) throws Exception {
        int port = nginx.port();
        nginx.close();
        nginx = Nginx.start(dir.resolve("nginx"), port, instances.subList(0, count).stream().map(ServeInstance::port)
                .toList(), options.nginxWorkers(), options.accessLog());
    }

    /** The result of an operator's command run in this JVM against the deployment's database. */
    record Command(int exitCode, String out, String err) {
    }

    /**
     * {@code safelight audit verify} as an operator runs it on any host: the database URL and the
     * master key, no instance's data folder.
     */
    Command auditVerify() throws IOException {
        Path host = Files.createDirectories(dir.resolve("operator"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"audit", "verify", "--data-dir", host.toString(), "--database-url",
                jdbcUrl(), "--database-user", "postgres"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env());
        return new Command(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Stops everything, also what failed to stop cleanly; then throws the first failure, if any. */
    @Override
    public void close() {
        List<Exception> failures = new ArrayList<>();
        if (nginx != null) {
            run(nginx::close, failures);
        }
        for (ServeInstance instance : instances) {
            run(instance::close, failures);
        }
        if (database != null) {
            run(database::close, failures);
        }
        if (s3 != null) {
            run(s3::close, failures);
        }
        if (postgres != null) {
            run(postgres::close, failures);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException exiting) {
            // the JVM is already exiting: the hook runs anyway and finds everything stopped
        }
        if (!failures.isEmpty()) {
            IllegalStateException stopping = new IllegalStateException("the cluster did not stop cleanly",
                    failures.get(0));
            failures.subList(1, failures.size()).forEach(stopping::addSuppressed);
            throw stopping;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void run(Step step, List<Exception> failures) {
        try {
            step.run();
        } catch (Exception e) {
            failures.add(e);
        }
    }

    /** The shutdown hook: SIGKILL to whatever is still running, without waiting for anything clean. */
    private void killEverything() {
        if (nginx != null) {
            nginx.process().destroyForcibly();
        }
        instances.forEach(i -> i.process().destroyForcibly());
        if (s3 != null) {
            s3.close();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // the JVM is exiting
            }
        }
    }

    /** Rows of a one-column query, as text. */
    List<String> column(String sql, Object... params) {
        return database.jdbi().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < params.length; i++) {
                q.bind(i, params[i]);
            }
            return q.mapTo(String.class).list();
        });
    }

    /** A count (or any one number) from the deployment's database. */
    long number(String sql, Object... params) {
        return database.jdbi().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < params.length; i++) {
                q.bind(i, params[i]);
            }
            return q.mapTo(Long.class).one();
        });
    }
}
