package org.safelight.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.server.db.Database;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.testing.Ports;

/** A real Safelight server (accounts + keys + cloud + web, SQLite, outbox mail) on a free loopback port. */
final class TestServer {
    private TestServer() {
    }

    static SafelightServer start(Path dataDir) throws Exception {
        return start(dataDir, Set.of("accounts", "keys", "cloud", "web"), null);
    }

    /** Some roles; {@code accountsUrl} is the accounts server a lone keys or cloud role trusts. */
    static SafelightServer start(Path dataDir, Set<String> roles, URI accountsUrl) throws Exception {
        return start(dataDir, roles, accountsUrl, ServeConfig.Cloud.DEFAULTS, Clock.systemUTC());
    }

    static SafelightServer start(Path dataDir, Set<String> roles, URI accountsUrl, ServeConfig.Cloud cloud,
                                 Clock clock) throws Exception {
        return start(dataDir, roles, accountsUrl, cloud, clock, Database.sqliteUrl(dataDir), null, null);
    }

    static SafelightServer start(Path dataDir, Set<String> roles, URI accountsUrl, ServeConfig.Cloud cloud,
                                 Clock clock, String databaseUrl, String databaseUser, String databasePassword)
            throws Exception {
        return start(dataDir, roles, accountsUrl, cloud, clock, databaseUrl, databaseUser, databasePassword, null);
    }

    /** {@code publicUrl} null: the server's own address. */
    static SafelightServer start(Path dataDir, Set<String> roles, URI accountsUrl, ServeConfig.Cloud cloud,
                                 Clock clock, String databaseUrl, String databaseUser, String databasePassword,
                                 URI publicUrl) throws Exception {
        return start(dataDir, roles, accountsUrl, cloud, clock, databaseUrl, databaseUser, databasePassword, publicUrl,
                TrustedProxies.NONE);
    }

    /** All roles, behind the reverse proxies {@code proxies}. */
    static SafelightServer behind(Path dataDir, TrustedProxies proxies) throws Exception {
        return start(dataDir, Set.of("accounts", "keys", "cloud", "web"), null, ServeConfig.Cloud.DEFAULTS,
                Clock.systemUTC(), Database.sqliteUrl(dataDir), null, null, null, proxies);
    }

    private static SafelightServer start(Path dataDir, Set<String> roles, URI accountsUrl, ServeConfig.Cloud cloud,
                                         Clock clock, String databaseUrl, String databaseUser,
                                         String databasePassword, URI publicUrl, TrustedProxies proxies)
            throws Exception {
        return Ports.onFreePort(port -> {
            URI pub = publicUrl != null ? publicUrl : URI.create("http://localhost:" + port);
            return SafelightServer.start(new ServeConfig(dataDir, "127.0.0.1", port, roles, databaseUrl,
                    databaseUser, databasePassword, accountsUrl, pub, List.of(),
                    new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60, cloud, List.of(),
                    proxies), clock);
        });
    }
}
