package org.safelight.endpoint;

import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.safelight.endpoint.delivery.Destination;
import org.safelight.endpoint.delivery.FolderDestination;
import org.safelight.endpoint.dicom.DicomDestination;
import org.safelight.endpoint.fhir.FhirDestination;
import org.safelight.endpoint.fhir.FhirSettings;
import org.safelight.endpoint.forward.ForwardDestination;
import org.safelight.endpoint.intake.ReportRoute;
import org.safelight.endpoint.intake.Senders;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.mailbox.MailboxIntake;
import org.safelight.endpoint.mailbox.MailboxSettings;
import org.safelight.endpoint.open.ReportOpening;
import org.safelight.endpoint.pipeline.Backoff;
import org.safelight.endpoint.pipeline.Pipeline;
import org.safelight.endpoint.pipeline.PipelineWorkers;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.QueueFigures;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.ReceivedReports;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.view.InstitutionApi;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.enterprise.EnterpriseAdmins;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.enterprise.HttpEnterpriseAdmins;
import org.safelight.server.http.OpenApi;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.role.ErrorRenderer;
import org.safelight.server.role.Migrations;
import org.safelight.server.role.PathRule;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.server.role.Worker;
import org.safelight.server.tokens.TokenAudience;
import org.safelight.server.tokens.TokenVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the endpoint role: the received folder and store, the intake route, the pipeline and its
 * destinations (the folder, and the HTTP forward when configured), the mailbox intake when
 * configured, and the institution's API. Its files live under {@code DATA_DIR/endpoint}
 * ({@code received}, {@code work}, {@code filed} by default); {@code received} is shared by the
 * instances on one database ({@code --endpoint-received}), {@code work} is each one's own. Its meters
 * and the readiness check {@code "received-files"} are {@link EndpointMonitoring}'s. Immutable.
 */
public final class EndpointWiring implements RoleWiring {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointWiring.class);
    /** A claim's lease, renewed while the report is handled: a crashed worker's report comes due after it. */
    static final Duration LEASE = Duration.ofSeconds(60);
    private static final int WORKERS = 2;
    private static final Duration POLL = Duration.ofSeconds(5);
    /** Multipart headers and the token field around the file, on top of the file's own limit. */
    private static final long FORM_OVERHEAD = 64 * 1024;

    private final EndpointSettings settings;

    public EndpointWiring(EndpointSettings settings) {
        this.settings = settings;
    }

    public EndpointSettings settings() {
        return settings;
    }

    @Override
    public RoleName name() {
        return RoleName.ENDPOINT;
    }

    @Override
    public Optional<Migrations> migrations() {
        return Optional.of(Migrations.of(RoleName.ENDPOINT));
    }

    /** Why an endpoint apart from accounts does not start without the shared secret. */
    static final String NEEDS_SERVICE_CREDENTIAL = "the endpoint role without the accounts role needs"
            + " --service-credential (or SAFELIGHT_SERVICE_CREDENTIAL): the secret the accounts server was given,"
            + " with which the endpoint asks it who administers its enterprise";

    @Override
    public void check(Set<RoleName> running, Optional<URI> accountsUrl) {
        if (!running.contains(RoleName.ACCOUNTS) && accountsUrl.isEmpty()) {
            throw new IllegalArgumentException("the endpoint role without the accounts role needs --accounts-url"
                    + " (the accounts server whose tokens senders present)");
        }
    }

    @Override
    public void check(Set<RoleName> running, Optional<URI> accountsUrl, ServiceCredential serviceCredential) {
        check(running, accountsUrl);
        if (!running.contains(RoleName.ACCOUNTS) && !serviceCredential.configured()) {
            throw new IllegalArgumentException(NEEDS_SERVICE_CREDENTIAL);
        }
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("endpoint-folder", settings.folder().map(Path::toString).orElse("DATA_DIR/endpoint/filed"));
        d.put("endpoint-received", settings.received().map(Path::toString).orElse("DATA_DIR/endpoint/received"));
        d.put("endpoint-max-size", Long.toString(settings.maxSize()));
        d.put("endpoint-allow-plain-http", Boolean.toString(settings.allowPlainHttp()));
        d.put("endpoint-senders", settings.senders().map(Path::toString).orElse("DATA_DIR/endpoint/senders if present"));
        d.put("endpoint-key-servers", settings.keyServers().toString());
        d.put("endpoint-key-server-token", settings.keyServerToken().isPresent()
                || settings.keyServerTokenFile().isPresent() ? "****" : "none");
        d.put("endpoint-private-keys", settings.privateKeys().map(Path::toString).orElse("none"));
        d.put("endpoint-enterprise", settings.enterprise().orElse("the Key Server Token's"));
        d.put("endpoint-forward-url", settings.forwardUrl().map(URI::toString).orElse("none"));
        d.put("endpoint-forward-secret", settings.forwardSecretFile().isPresent() ? "****" : "none");
        d.put("endpoint-dicom", settings.dicom().map(x -> x.url() + " as " + x.user() + " (password ****)")
                .orElse("none"));
        d.put("endpoint-fhir", settings.fhir().map(FhirSettings::describe).orElse("none"));
        d.put("endpoint-mailbox", settings.mailbox().isPresent()
                ? MailboxSettings.parse(settings.mailbox().get(), settings.mailboxPasswordFile().get()).toString() : "none");
        d.put("endpoint-retry-limit", Integer.toString(settings.retryLimit()));
        d.put("endpoint-keep-received", settings.keepReceivedDays() + " days");
        d.put("endpoint-trusted-origins", settings.trustedOrigins().isEmpty()
                ? "this server's own, when it runs the web role" : String.join(",", settings.trustedOrigins()));
        return d;
    }

    @Override
    public Role build(RoleContext ctx) throws IOException {
        EnterpriseAdmins admins = admins(ctx); // first: an endpoint that cannot work writes nothing
        Path home = ctx.dataDir().resolve("endpoint");
        // Shared by every instance on this database: any of them may claim a report another received.
        MasterKey master = ctx.masterKey();
        ReceivedFiles files = new ReceivedFiles(settings.received().orElse(home.resolve("received")), ctx.database(),
                master, ctx.clock());
        files.removeStalePartials();
        EndpointStore store = new EndpointStore(ctx.database(), master);
        if (ctx.database().dialect() == Database.Dialect.SQLITE) {
            // One server per SQLite file (its data folder is locked): every claim left is a killed predecessor's.
            int released = store.releaseAllClaims(ctx.clock().instant());
            if (released > 0) {
                LOG.info("{} report(s) a stopped server was handling are due again", released);
            }
        }
        List<Destination> destinations = new ArrayList<>();
        destinations.add(new FolderDestination(settings.folder().orElse(home.resolve("filed")), ctx.clock()));
        if (settings.forwardUrl().isPresent()) {
            destinations.add(ForwardDestination.create(settings.forwardUrl().get(), settings.forwardSecretFile().get(),
                    settings.allowPlainHttp(), ctx.clock()));
        }
        if (settings.dicom().isPresent()) {
            destinations.add(DicomDestination.create(settings.dicom().get(), settings.allowPlainHttp()));
        }
        // FHIR destination (issue 11) ----------------------------------------------------------
        if (settings.fhir().isPresent()) {
            FhirSettings fhir = settings.fhir().get();
            if (fhir.auth() == FhirSettings.Auth.NONE) {
                LOG.warn("the FHIR destination {} is used without authentication: for testing only", fhir.url());
            }
            destinations.add(FhirDestination.create(fhir, FhirDestination.memory(store)));
            LOG.info("FHIR destination: {}", fhir.describe());
        }
        // ---------------------------------------------------------------------------------------
        Optional<String> keyServerToken = keyServerToken();
        ReportOpening opening = opening(files, keyServerToken, ctx);
        destinations.replaceAll(d -> EndpointMonitoring.counted(d, ctx.metrics()));
        EndpointMonitoring.registerQueue(ctx.metrics(), new QueueFigures(ctx.database()));
        ctx.readiness("received-files", EndpointMonitoring.receivedFilesWritable(files));
        Pipeline pipeline = new Pipeline(store, files, opening, destinations, Backoff.standard(settings.retryLimit()),
                LEASE, Duration.ofDays(settings.keepReceivedDays()), home.resolve("work"), ctx.clock());
        PipelineWorkers workers = new PipelineWorkers(pipeline, WORKERS, POLL);
        StoringIntake intake = new StoringIntake(files, store, settings.maxSize(), pipeline.destinationNames(),
                workers::wake);
        Path sendersFile = settings.senders().orElse(home.resolve("senders"));
        TokenVerifier endpointTokens = ctx.tokens(TokenAudience.endpoint(ctx.issuer(), ctx.publicUrl()));
        Senders senders = new Senders(sendersFile);
        ReportRoute route = new ReportRoute(intake, endpointTokens, senders,
                settings.allowPlainHttp(), ctx.clock());
        ReceivedReports reports = new StoredReports(ctx.database(), ctx.clock(), master);
        InstitutionApi institution = new InstitutionApi(reports,
                InstitutionApi.userOrEndpointTokens(ctx.tokens(TokenAudience.users(ctx.issuer())), endpointTokens),
                admins,
                settings.enterprise().or(() -> enterpriseOf(ctx, keyServerToken)), trustedOrigins(ctx));
        List<Worker> background = new ArrayList<>();
        background.add(pipelineWorker(workers));
        if (settings.mailbox().isPresent()) {
            background.add(new MailboxIntake(MailboxSettings.parse(settings.mailbox().get(),
                    settings.mailboxPasswordFile().get()), intake, senders, ctx.clock(), home.resolve("mail-spool")));
        }
        ctx.provide(ReceivedReports.class, reports);
        return new EndpointRole(route, institution, settings.maxSize() + FORM_OVERHEAD, List.copyOf(background));
    }

    private ReportOpening opening(ReceivedFiles files, Optional<String> keyServerToken, RoleContext ctx)
            throws IOException {
        ReportOpening opening;
        try {
            opening = new ReportOpening(files, settings.keyServers(), keyServerToken.orElse(null),
                    settings.privateKeys().orElse(null), ctx.clock());
        } catch (IOException e) {
            throw new IOException("--endpoint-private-keys: " + e.getMessage(), e);
        }
        if (settings.privateKeys().isPresent()) {
            LOG.info("{} private key(s) for static-key reports, kids {}", opening.kids().size(), opening.kids());
        }
        return opening;
    }

    private Optional<String> keyServerToken() throws IOException {
        if (settings.keyServerTokenFile().isPresent()) {
            return Optional.of(Files.readString(settings.keyServerTokenFile().get(), StandardCharsets.US_ASCII).strip())
                    .filter(t -> !t.isEmpty());
        }
        return settings.keyServerToken();
    }

    /**
     * The web origins whose pages may call the institution's view: {@code --endpoint-trusted-origins},
     * else this server's own public origin when it serves My Safelight too, else none.
     */
    List<String> trustedOrigins(RoleContext ctx) {
        if (!settings.trustedOrigins().isEmpty() || !ctx.runs(RoleName.WEB)) {
            return settings.trustedOrigins();
        }
        URI own = ctx.publicUrl();
        return List.of(own.getScheme() + "://" + own.getRawAuthority());
    }

    /**
     * Who administers the endpoint's enterprise, as the accounts role knows it now: asked in process
     * when accounts runs here, else over HTTP with the service credential (fail closed: without it
     * the role does not start, rather than quietly showing admins only their own reports).
     */
    static EnterpriseAdmins admins(RoleContext ctx) {
        Optional<EnterpriseAdmins> local = ctx.service(EnterpriseAdmins.class);
        if (local.isPresent()) {
            return local.get();
        }
        if (ctx.runs(RoleName.ACCOUNTS)) {
            LOG.warn("the accounts role here tells no admins: nobody sees every report of the endpoint");
            return EnterpriseAdmins.none();
        }
        if (!ctx.serviceCredential().configured()) {
            throw new IllegalArgumentException(NEEDS_SERVICE_CREDENTIAL);
        }
        URI accounts = ctx.accountsUrl().orElseThrow(() -> new IllegalArgumentException(
                "the endpoint role without the accounts role needs --accounts-url"));
        return new HttpEnterpriseAdmins(accounts, ctx.serviceCredential(), ctx.http(), ctx.clock());
    }

    private static Optional<String> enterpriseOf(RoleContext ctx, Optional<String> keyServerToken) {
        if (keyServerToken.isEmpty()) {
            return Optional.empty();
        }
        try {
            return ctx.enterprises().enterpriseOf(EnterpriseAuthority.Credential.KEY_SERVER_TOKEN, keyServerToken.get());
        } catch (RuntimeException e) {
            LOG.warn("the Key Server Token's enterprise could not be asked ({}); give --endpoint-enterprise",
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static Worker pipelineWorker(PipelineWorkers workers) {
        return new Worker() {
            @Override
            public String name() {
                return "endpoint-pipeline";
            }

            @Override
            public void start() {
                workers.start();
            }

            @Override
            public void stop() {
                workers.close();
            }
        };
    }

    /** The built role. */
    private record EndpointRole(ReportRoute route, InstitutionApi institution, long intakeLimit,
                                List<Worker> workers) implements Role {
        @Override
        public RoleName roleName() {
            return RoleName.ENDPOINT;
        }

        @Override
        public void routes(JavalinDefaultRoutingApi routes) {
            route.routes(routes);
            institution.routes(routes);
        }

        @Override
        public String openApi() {
            return EndpointWiring.class.getResource("/openapi/endpoint.yaml") == null ? null
                    : OpenApi.resource(EndpointWiring.class, "/openapi/endpoint.yaml");
        }

        @Override
        public List<PathRule> pathRules() {
            return List.of(new PathRule(ReportRoute.PATH, intakeLimit, ErrorRenderer.SUCCESS_FALSE));
        }
    }
}
