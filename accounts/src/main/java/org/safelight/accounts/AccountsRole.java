package org.safelight.accounts;

import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.safelight.accounts.enterprise.AdminCheck;
import org.safelight.accounts.enterprise.CredentialCheck;
import org.safelight.accounts.enterprise.EnterpriseHandlers;
import org.safelight.accounts.internal.PublicUrl;
import org.safelight.accounts.mail.MailQueue;
import org.safelight.accounts.mail.Mailer;
import org.safelight.accounts.reset.PasswordResetHandlers;
import org.safelight.accounts.tokens.AccessTokens;
import org.safelight.accounts.tokens.JwksEndpoint;
import org.safelight.accounts.tokens.SessionHandlers;
import org.safelight.accounts.tokens.SigningKeys;
import org.safelight.accounts.tokens.TokenExchangeHandlers;
import org.safelight.accounts.storage.StorageConnections;
import org.safelight.accounts.storage.StorageHandlers;
import org.safelight.accounts.storage.StorageSettings;
import org.safelight.accounts.sends.DestinationAdminHandlers;
import org.safelight.accounts.sends.ReportSender;
import org.safelight.accounts.sends.SendHandlers;
import org.safelight.accounts.sends.SendLimits;
import org.safelight.accounts.uploads.MyReportsHandlers;
import org.safelight.client.ApiClient;
import org.safelight.client.EndpointSender;
import org.safelight.accounts.uploads.UploadHandlers;
import org.safelight.accounts.users.LinkMailer;
import org.safelight.accounts.users.PasswordHasher;
import org.safelight.accounts.users.ProfileHandlers;
import org.safelight.accounts.users.SignupHandlers;
import org.safelight.server.role.ErrorRenderer;
import org.safelight.server.role.PathRule;
import org.safelight.server.role.RoleName;
import org.safelight.server.http.OpenApi;
import org.safelight.server.http.Role;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenAudience;
import org.safelight.server.tokens.TokenVerifier;

/**
 * The accounts role (User Server): sign-up and email verification, sign-in with user tokens and
 * rotating refresh tokens, password reset, the user's profile, enterprise administration, the log
 * of cloud uploads (each user's report list and the enterprise listing), sealed reports sent on a
 * user's behalf (by email, to the enterprise's destinations), and the JWKS other roles
 * verify user tokens with. Mail is written after the answer, on its own thread: close the role
 * after the server stops. Wired by hand from its parts; the routes are documented
 * in {@code openapi/accounts.yaml}, served at {@code /api/v1/accounts/openapi.yaml}.
 */
public final class AccountsRole implements Role, AutoCloseable {
    public static final String NAME = "accounts"; // RoleName.ACCOUNTS.id()

    private final JwksEndpoint jwks;
    private final SignupHandlers signup;
    private final SessionHandlers sessions;
    private final TokenExchangeHandlers exchange;
    private final PasswordResetHandlers reset;
    private final ProfileHandlers profile;
    private final EnterpriseHandlers enterprise;
    private final CredentialCheck credentialCheck;
    private final AdminCheck adminCheck;
    private final UploadHandlers uploads;
    private final MyReportsHandlers myReports;
    private final StorageHandlers storage;
    private final long storageUploadLimit;
    private final SendHandlers sends;
    private final DestinationAdminHandlers destinations;
    private final SendLimits sendLimits;
    private final String openApi;
    private final MailQueue mail = new MailQueue();

    /**
     * @param stores    repositories on a database already migrated ({@link AccountsStores#open})
     * @param mailer    where verification and reset messages go
     * @param keys      the token signing keys
     * @param publicUrl the address users reach this server at; links in messages start with it
     * @param limits    rate limits ({@link RateLimits#standard} outside tests)
     * @param hasher    password hashing ({@link PasswordHasher#standard} unless the cost is tuned)
     * @param cloudService the credential roles in other processes present: a cloud role records
     *                  uploads with it, an endpoint asks who administers its enterprise
     *                  ({@link ServiceCredential#NONE}: only roles in this process can)
     */
    public AccountsRole(AccountsStores stores, Mailer mailer, SigningKeys keys, URI publicUrl, RateLimits limits,
                        PasswordHasher hasher, ServiceCredential cloudService, Clock clock) {
        this(stores, mailer, keys, publicUrl, limits, hasher, cloudService, SendLimits.STANDARD, clock);
    }

    /** With {@code sendLimits} on what the server sends for users, and no Box or Dropbox. */
    public AccountsRole(AccountsStores stores, Mailer mailer, SigningKeys keys, URI publicUrl, RateLimits limits,
                        PasswordHasher hasher, ServiceCredential cloudService, SendLimits sendLimits, Clock clock) {
        this(stores, mailer, keys, publicUrl, limits, hasher, cloudService, sendLimits, StorageSettings.NONE, null,
                clock);
    }

    /**
     * With Box and Dropbox: {@code storage} says which are configured; {@code connections} keeps the
     * users' tokens (it may be null only when none is).
     */
    public AccountsRole(AccountsStores stores, Mailer mailer, SigningKeys keys, URI publicUrl, RateLimits limits,
                        PasswordHasher hasher, ServiceCredential cloudService, SendLimits sendLimits,
                        StorageSettings storage, StorageConnections connections, Clock clock) {
        // The keys live in this process, so verify against them directly: a rotation shows at once.
        // Only user tokens of this issuer pass: a token scoped to a key server is refused here.
        TokenAudience users = TokenAudience.users(publicUrl);
        TokenVerifier verifier = jws -> new JwksTokenVerifier(keys::publicKeysWith, users, clock).verify(jws);
        AccessTokens tokens = new AccessTokens(keys, publicUrl, clock);
        LinkMailer links = new LinkMailer(stores.oneTimeTokens(), mailer, PublicUrl.of(publicUrl), clock);
        this.jwks = new JwksEndpoint(keys);
        this.signup = new SignupHandlers(stores.users(), stores.oneTimeTokens(), stores.refreshTokens(), hasher, links,
                mail, limits.mailPerIp(), limits.mailPerAddress(), limits.signInPerEmail(), clock);
        this.sessions = new SessionHandlers(stores.users(), hasher, stores.refreshTokens(),
                tokens, stores.enterprises(), limits.signInPerIp(), limits.signInPerEmail(),
                clock);
        this.exchange = new TokenExchangeHandlers(stores.users(), stores.enterprises(), tokens, verifier);
        this.reset = new PasswordResetHandlers(stores.users(), stores.oneTimeTokens(), stores.refreshTokens(), hasher,
                links, mail, stores.enterprises(), stores.credentials(), limits.mailPerIp(), limits.mailPerAddress(),
                clock);
        this.profile = new ProfileHandlers(stores.users(), stores.enterprises(), verifier);
        this.enterprise = new EnterpriseHandlers(stores.enterprises(), stores.credentials(), verifier,
                stores.users());
        this.credentialCheck = new CredentialCheck(stores.credentials(), limits.signInPerIp());
        this.adminCheck = new AdminCheck(stores.users(), stores.enterprises(), cloudService);
        this.uploads = new UploadHandlers(stores.uploads(), stores.uploadRecording(), stores.credentials(), verifier,
                PublicUrl.of(publicUrl), cloudService, clock);
        this.myReports = new MyReportsHandlers(stores.uploads(), stores.sends(), verifier, clock);
        this.storageUploadLimit = storage.requestLimit();
        this.storage = new StorageHandlers(storage, connections, stores.users(), stores.enterprises(),
                stores.sends(), verifier, publicUrl, clock);
        this.sendLimits = sendLimits;
        ReportSender sender = new ReportSender(stores.enterprises(), stores.destinations(), stores.dailyEmails(),
                stores.sends(), mailer, tokens, new EndpointSender(ApiClient.create().withAnswerLimit(64 * 1024), null), sendLimits, publicUrl,
                clock);
        this.sends = new SendHandlers(sender, stores.users(), verifier);
        this.destinations = new DestinationAdminHandlers(stores.destinations(), enterprise, sendLimits);
        this.openApi = OpenApi.resource(AccountsRole.class, "/openapi/accounts.yaml");
    }

    /** Uploads recorded in process only. */
    public AccountsRole(AccountsStores stores, Mailer mailer, SigningKeys keys, URI publicUrl, RateLimits limits,
                        PasswordHasher hasher, Clock clock) {
        this(stores, mailer, keys, publicUrl, limits, hasher, ServiceCredential.NONE, clock);
    }

    /** With the standard password hashing cost; uploads recorded in process only. */
    public AccountsRole(AccountsStores stores, Mailer mailer, SigningKeys keys, URI publicUrl, RateLimits limits,
                        Clock clock) {
        this(stores, mailer, keys, publicUrl, limits, PasswordHasher.standard(), clock);
    }

    @Override
    public RoleName roleName() {
        return RoleName.ACCOUNTS;
    }

    @Override
    public void routes(JavalinDefaultRoutingApi r) {
        r.get("/.well-known/jwks.json", jwks::handle);

        r.post("/api/v1/accounts/signup", signup::signup);
        r.get("/api/v1/accounts/verify", signup::verifyPage);
        r.post("/api/v1/accounts/verify", signup::verify);
        r.post("/api/v1/accounts/verify/resend", signup::resend);

        r.post("/api/v1/accounts/signin", sessions::signIn);
        r.post("/api/v1/accounts/refresh", sessions::refresh);
        r.post("/api/v1/accounts/signout", sessions::signOut);
        r.post("/api/v1/accounts/key-server-token", exchange::keyServerToken);
        r.post("/api/v1/accounts/endpoint-token", exchange::endpointToken);

        r.post("/api/v1/accounts/password-reset", reset::request);
        r.get("/app/reset-password", reset::form);
        r.post("/api/v1/accounts/password-reset/complete", reset::complete);

        r.get("/api/v1/accounts/me", profile::show);
        r.patch("/api/v1/accounts/me", profile::update);

        r.get("/api/v1/enterprise", enterprise::show);
        r.post("/api/v1/enterprise/api-keys", enterprise::createApiKey);
        r.get("/api/v1/enterprise/api-keys", enterprise::listApiKeys);
        r.delete("/api/v1/enterprise/api-keys/{id}", enterprise::revokeApiKey);
        r.post("/api/v1/enterprise/key-server-tokens", enterprise::createKeyServerToken);
        r.get("/api/v1/enterprise/key-server-tokens", enterprise::listKeyServerTokens);
        r.delete("/api/v1/enterprise/key-server-tokens/{id}", enterprise::revokeKeyServerToken);
        r.get("/api/v1/enterprise/credential", credentialCheck::handle);
        r.get("/api/v1/enterprise/admin", adminCheck::handle);

        r.get("/api/v1/accounts/me/reports", myReports::mine);
        r.post("/api/v1/accounts/me/reports", uploads::record);
        r.post("/api/v1/accounts/me/reports/{reportId}/sends", myReports::recordSend);
        r.get("/api/v1/enterprise/reports", uploads::enterprise);

        r.get(StorageHandlers.PREFIX, storage::services);
        r.post(StorageHandlers.PREFIX + "/{provider}/connect", storage::connect);
        r.post(StorageHandlers.PREFIX + "/{provider}/finish", storage::finish);
        r.delete(StorageHandlers.PREFIX + "/{provider}", storage::disconnect);
        r.post(StorageHandlers.PREFIX + "/{provider}/reports", storage::upload);
        r.post("/api/v1/accounts/me/reports/{reportId}/email", sends::email);
        r.get("/api/v1/accounts/me/destinations", sends::destinations);
        r.post("/api/v1/accounts/me/destinations/{id}/reports", sends::toDestination);
        r.get("/api/v1/enterprise/destinations", destinations::list);
        r.post("/api/v1/enterprise/destinations", destinations::add);
        r.delete("/api/v1/enterprise/destinations/{id}", destinations::remove);

        r.get("/api/v1/accounts/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
    }

    /** The storage upload takes up to the storage cap; the server's sends up to the send limit. */
    @Override
    public List<PathRule> pathRules() {
        // Only the routes that take a report get a larger limit; their JSON siblings keep the default.
        return List.of(new PathRule(StorageHandlers.PREFIX + "/*/reports", storageUploadLimit, ErrorRenderer.COMMON),
                new PathRule("/api/v1/accounts/me/reports/*/email", sendLimits.requestLimit(),
                        ErrorRenderer.COMMON),
                new PathRule("/api/v1/accounts/me/destinations/*/reports", sendLimits.requestLimit(),
                        ErrorRenderer.COMMON));
    }

    @Override
    public String openApi() {
        return openApi;
    }

    /**
     * Waits until the mail work of the requests answered so far is done (messages are written after
     * the answer).
     *
     * @return false when some is still going on after {@code timeout}
     */
    public boolean awaitMail(java.time.Duration timeout) throws InterruptedException {
        return mail.awaitIdle(timeout);
    }

    /** Finishes the queued mail work (for up to 10 s). */
    @Override
    public void close() {
        mail.close();
    }
}
