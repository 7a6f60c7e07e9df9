package org.safelight.server.role;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyRotation;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.enterprise.HttpEnterpriseAuthority;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.tokens.HttpJwks;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenAudience;
import org.safelight.server.tokens.TokenVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link RoleWiring} builds its role from: the process's database, data folder, clock and
 * addresses; token verifiers and the enterprise authority (the accounts role in this process, or
 * the one at {@code --accounts-url}); the services of the other roles running here; and the list of
 * resources closed when the server stops. One per server start. Not thread-safe: used by the
 * wirings one after another while the server starts.
 */
public final class RoleContext {
    private static final Logger LOG = LoggerFactory.getLogger(RoleContext.class);

    private final Database database;
    private final Path dataDir;
    private final Clock clock;
    private final URI publicUrl;
    private final URI accountsUrl;
    private final Set<RoleName> running;
    private final HttpClient http;
    private final ServiceCredential serviceCredential;
    private final Map<Class<?>, Object> services = new LinkedHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, ReadinessCheck> readiness = new LinkedHashMap<>();
    private EnterpriseAuthority remoteEnterprises;
    private MeterRegistry metrics = new SimpleMeterRegistry();
    private Supplier<MasterKey> masterKeySource;
    private MasterKey masterKey;

    /**
     * @param publicUrl   how users reach this server ({@code --public-url})
     * @param accountsUrl the accounts server at {@code --accounts-url}, or null when tokens are
     *                    verified against the accounts role of this process
     * @param running     every role this process runs
     */
    public RoleContext(Database database, Path dataDir, Clock clock, URI publicUrl, URI accountsUrl,
                       Set<RoleName> running) {
        this(database, dataDir, clock, publicUrl, accountsUrl, running, ServiceCredential.NONE);
    }

    /**
     * @param serviceCredential the secret roles of one deployment running in separate processes
     *                          share ({@code --service-credential}); {@link ServiceCredential#NONE}
     *                          when they run together
     */
    public RoleContext(Database database, Path dataDir, Clock clock, URI publicUrl, URI accountsUrl,
                       Set<RoleName> running, ServiceCredential serviceCredential) {
        this.serviceCredential = Objects.requireNonNull(serviceCredential, "serviceCredential");
        this.database = Objects.requireNonNull(database, "database");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
        this.accountsUrl = accountsUrl;
        this.running = running.isEmpty() ? EnumSet.noneOf(RoleName.class) : EnumSet.copyOf(running);
        this.http = HttpClient.newHttpClient();
    }

    public Database database() {
        return database;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Clock clock() {
        return clock;
    }

    /** How users reach this server: links in emails, a key server's own audience. */
    public URI publicUrl() {
        return publicUrl;
    }

    /** {@code --accounts-url}: the accounts server when it runs elsewhere. */
    public Optional<URI> accountsUrl() {
        return Optional.ofNullable(accountsUrl);
    }

    /** The accounts role's address, every token's issuer: {@code --accounts-url}, else this server's own. */
    public URI issuer() {
        return accountsUrl != null ? accountsUrl : publicUrl;
    }

    /** Whether this process runs {@code role}. */
    public boolean runs(RoleName role) {
        return running.contains(role);
    }

    /** {@code --service-credential}: how the roles of one deployment in separate processes trust each other. */
    public ServiceCredential serviceCredential() {
        return serviceCredential;
    }

    /** A client for calls to other servers (the accounts server, key servers). */
    public HttpClient http() {
        return http;
    }

    /**
     * A verifier of tokens meant for {@code audience}: against the published keys of the accounts
     * server at {@code --accounts-url}, else against the accounts role of this process
     * ({@link TokenKeys}, looked up on each verification so the order of building does not matter).
     */
    public TokenVerifier tokens(TokenAudience audience) {
        if (accountsUrl != null) {
            return new JwksTokenVerifier(new HttpJwks(accountsUrl, http), audience, clock);
        }
        return new JwksTokenVerifier((String kid) -> service(TokenKeys.class)
                .orElseThrow(() -> new IllegalStateException("no accounts role in this process"))
                .publicKeysWith(kid), audience, clock);
    }

    /**
     * Which enterprise an API key or Key Server Token belongs to: the accounts role's in this process
     * when it {@link #provide provided} one, else asked over HTTP of the accounts server at
     * {@code --accounts-url}, else {@link EnterpriseAuthority#none()}.
     */
    public EnterpriseAuthority enterprises() {
        Optional<EnterpriseAuthority> local = service(EnterpriseAuthority.class);
        if (local.isPresent()) {
            return local.get();
        }
        if (accountsUrl == null) {
            return EnterpriseAuthority.none();
        }
        if (remoteEnterprises == null) {
            remoteEnterprises = new HttpEnterpriseAuthority(accountsUrl, http, clock);
        }
        return remoteEnterprises;
    }

    /**
     * Makes {@code service} available to the roles built after this one (the accounts' stores to
     * the keys role, the cloud's share links to the web role). One service per type.
     *
     * @throws IllegalStateException when a service of this type was provided already
     */
    public <T> void provide(Class<T> type, T service) {
        Objects.requireNonNull(service, "service");
        if (services.putIfAbsent(type, service) != null) {
            throw new IllegalStateException("a " + type.getSimpleName() + " was provided already");
        }
    }

    /** The service of {@code type} a role of this process provided; empty when that role runs elsewhere. */
    public <T> Optional<T> service(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }

    /**
     * The registry every role registers its meters on. {@code serve} gives the one it publishes
     * ({@link #useMetrics}); otherwise (tests) a private in-memory one. Meter names are
     * {@code safelight_<area>_...}; tags never carry patient data, e-mail addresses, report ids or
     * anything else a user chose.
     */
    public MeterRegistry metrics() {
        return metrics;
    }

    /** The process's master key if a role (or {@code serve}) has loaded it; never loads it. */
    public synchronized java.util.Optional<MasterKey> loadedMasterKey() {
        return java.util.Optional.ofNullable(masterKey);
    }

    /** Called by {@code serve} before the roles are built. */
    public void useMetrics(MeterRegistry registry) {
        this.metrics = Objects.requireNonNull(registry, "registry");
    }

    /**
     * The process's one master key, loaded on first use: from {@link #useMasterKey the source
     * {@code serve} chose}, else {@link MasterKey#load(Path) the environment or the data folder}.
     * Refused while a master key rotation is unfinished: the stored secrets are then under two keys.
     *
     * @throws org.safelight.server.crypto.MasterKeyException when it cannot be loaded
     * @throws MasterKeyRotation.UnfinishedException when a rotation is under way
     */
    public synchronized MasterKey masterKey() {
        if (masterKey == null) {
            MasterKeyRotation.refuseIfUnfinished(database);
            masterKey = masterKeySource != null ? masterKeySource.get() : MasterKey.load(dataDir);
        }
        return masterKey;
    }

    /** Called by {@code serve} before the roles are built (a master key in an HSM, say). */
    public synchronized void useMasterKey(Supplier<MasterKey> source) {
        this.masterKeySource = Objects.requireNonNull(source, "source");
        this.masterKey = null;
    }

    /**
     * Adds a check that {@code GET /health/ready} runs; {@code name} is short and fixed
     * ({@code "audit"}, {@code "blob-store"}).
     *
     * @throws IllegalStateException when a check of that name exists
     */
    public void readiness(String name, ReadinessCheck check) {
        Objects.requireNonNull(check, "check");
        if (readiness.putIfAbsent(name, check) != null) {
            throw new IllegalStateException("a readiness check named " + name + " exists already");
        }
    }

    /** The readiness checks the roles registered, in the order they were added. */
    public Map<String, ReadinessCheck> readinessChecks() {
        return Collections.unmodifiableMap(readiness);
    }

    /** Closes {@code resource} when the server stops, after the workers and before the database. */
    public <T extends AutoCloseable> T closeOnStop(T resource) {
        resources.add(Objects.requireNonNull(resource, "resource"));
        return resource;
    }

    /** Closes what was registered, newest first; a failure is logged by its class and the rest still close. */
    public void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            AutoCloseable resource = resources.get(i);
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.getClass().getSimpleName());
            }
        }
        resources.clear();
    }
}
