package org.safelight.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.safelight.accounts.AccountsOptions;
import org.safelight.accounts.AccountsWiring;
import org.safelight.cli.serve.DataFolder;
import org.safelight.cli.serve.DataFolderLock;
import org.safelight.cli.serve.OperationsOptions;
import org.safelight.cli.serve.OperationsSettings;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.cloud.CloudOptions;
import org.safelight.cloud.CloudWiring;
import org.safelight.endpoint.EndpointOptions;
import org.safelight.endpoint.EndpointWiring;
import org.safelight.keys.KeysOptions;
import org.safelight.keys.KeysWiring;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.http.TrustedProxies;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.web.WebOptions;
import org.safelight.web.WebWiring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--roles", paramLabel = "R,...", defaultValue = "accounts,keys,cloud,web,endpoint",
            description = "Roles to run: accounts, keys, cloud, web, endpoint (default: ${DEFAULT-VALUE}).")
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
            description = "The accounts server the keys, cloud and endpoint roles trust, when accounts runs elsewhere.")
    URI accountsUrl;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "How users reach this server, for links in emails (default: http://localhost:PORT).")
    URI publicUrl;

    @Option(names = "--trusted-proxies", paramLabel = "ADDRESS|CIDR,...", defaultValue = "",
            description = {"Reverse proxies in front of this server (addresses or CIDR blocks). Their",
                "X-Forwarded-For names the client for rate limits and the audit; anyone else's is ignored."})
    String trustedProxies;

    @Option(names = "--service-credential", paramLabel = "SECRET", hidden = true, defaultValue = "",
            description = "Prefer SAFELIGHT_SERVICE_CREDENTIAL. The secret (32+ characters) a cloud or endpoint role and"
                    + " an accounts role in separate processes share; the cloud role writes the upload log with it,"
                    + " the endpoint asks who administers its enterprise.")
    String serviceCredential;

    /** The roles' configuration groups, each from its role module: flags, SAFELIGHT_<FLAG>, --config FILE. */
    @Mixin
    AccountsOptions accountsOptions = new AccountsOptions();

    @Mixin
    KeysOptions keysOptions = new KeysOptions();

    @Mixin
    CloudOptions cloudOptions = new CloudOptions();

    @Mixin
    WebOptions webOptions = new WebOptions();

    @Mixin
    EndpointOptions endpointOptions = new EndpointOptions();

    /** Metrics, log format, shutdown grace. */
    @Mixin
    OperationsOptions operationsOptions = new OperationsOptions();
    @Mixin
    MasterKeyOptions masterKeyOptions = new MasterKeyOptions();

    ServeConfig config() {
        Set<RoleName> chosen = new LinkedHashSet<>();
        for (String r : roles.split(",")) {
            if (r.isBlank()) {
                continue;
            }
            try {
                chosen.add(RoleName.parse(r));
            } catch (IllegalArgumentException e) {
                throw new Failures.UsageException(e.getMessage());
            }
        }
        if (chosen.isEmpty()) {
            throw new Failures.UsageException("no role to run");
        }
        ServiceCredential credential;
        try {
            credential = new ServiceCredential(serviceCredential.strip());
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("--service-credential: " + e.getMessage());
        }
        List<RoleWiring> wirings = new ArrayList<>();
        try {
            // every group's settings are checked, also those of roles not chosen: a typo never waits for a later start
            Map<RoleName, RoleWiring> all = wirings(credential);
            for (RoleName name : chosen) {
                RoleWiring wiring = all.get(name);
                if (wiring == null) {
                    throw new IllegalArgumentException("the " + name + " role is not part of this build");
                }
                wirings.add(wiring);
            }
            for (RoleWiring wiring : wirings) {
                wiring.check(chosen, java.util.Optional.ofNullable(accountsUrl), credential);
            }
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException(e.getMessage());
        }
        OperationsSettings operations;
        try {
            operations = operationsOptions.settings();
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException(e.getMessage());
        }
        URI publicUri = publicUrl != null ? publicUrl : URI.create("http://localhost:" + port);
        return new ServeConfig(dataDir, host, port,
                databaseUrl == null || databaseUrl.isBlank() ? Database.sqliteUrl(dataDir) : databaseUrl,
                databaseUser, databasePassword, accountsUrl, publicUri, trustedProxies(trustedProxies), credential,
                wirings, operations);
    }

    /** Every role this build can run, each wired with the settings of its configuration group. */
    private Map<RoleName, RoleWiring> wirings(ServiceCredential credential) {
        Map<RoleName, RoleWiring> all = new EnumMap<>(RoleName.class);
        all.put(RoleName.ACCOUNTS, new AccountsWiring(accountsOptions.settings(), accountsOptions.storageSettings()));
        all.put(RoleName.KEYS, new KeysWiring(keysOptions.settings()));
        all.put(RoleName.CLOUD, new CloudWiring(cloudOptions.settings(credential)));
        all.put(RoleName.WEB, new WebWiring(webOptions.settings()));
        all.put(RoleName.ENDPOINT, new EndpointWiring(endpointOptions.settings()));
        return all;
    }

    private static TrustedProxies trustedProxies(String text) {
        try {
            return TrustedProxies.parse(Arrays.asList(text.split(",")));
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("--trusted-proxies: " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        ServeConfig cfg = config();
        SafelightServer server;
        try {
            server = SafelightServer.start(cfg, java.time.Clock.systemUTC(), masterKeyOptions.source(main.env));
        } catch (DataFolder.NotPrivateException | DataFolderLock.HeldException e) {
            throw new Failures.UsageException(e.getMessage());
        }
        main.stdout.println("Safelight is serving " + String.join(", ", cfg.roles().stream().map(RoleName::id).toList())
                + " on " + server.url());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "safelight-shutdown"));
        stopped.await();
        return ExitCode.OK;
    }
}
