package org.safelight.keys;

import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.safelight.keys.audit.AuditAction;
import org.safelight.keys.audit.AuditEntry;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.keys.audit.AuditLog;
import org.safelight.keys.audit.AuditUnavailableException;
import org.safelight.keys.audit.InTransaction;
import org.safelight.keys.audit.Outcome;
import org.safelight.keys.policy.AccessPolicy;
import org.safelight.server.role.RoleName;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Cors;
import org.safelight.server.http.OpenApi;
import org.safelight.server.http.Refusal;
import org.safelight.server.http.Role;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key server's HTTP API (DESIGN §4, §5), under {@code /api/v1/reports/{reportId}/}:
 *
 * <pre>
 * POST key       the sender creates the report's key, or gets it again
 *                201 (new) / 200 (again) {"report_id", "key"}
 *                403 email_unverified | access_denied, 409 report_owned_by_another, 410 report_revoked
 * GET  key       a recipient fetches the key: 200 {"report_id", "key"}; or an enterprise's Key
 *                Server Token fetches its members' reports' keys ({@link EnterpriseKeyFetch})
 *                403 email_unverified | access_denied, 404 unknown_report, 410 report_revoked
 * GET  accesses  the report's audit events: all of them for its sender and the admin of the
 *                enterprise the sender was in when the key was made; only their own for anyone
 *                else who was given its key:
 *                200 {"report_id", "revoked_at": ISO-8601 | null, "scope": "all" | "own",
 *                     "accesses": [{"seq", "time", "user_id", "email", "action", "outcome"}]}
 *                403 not_permitted, 404 unknown_report
 * POST revoke    the sender revokes; later fetches answer 410:
 *                200 {"report_id", "revoked_at", "already_revoked"}; revoking again answers the first
 *                revocation's time with "already_revoked": true and records no second event
 *                403 not_permitted, 404 unknown_report
 * GET  status    anyone, without a token: 200 {"report_id", "revoked", "revoked_at" (when revoked)}
 *                404 unknown_report; rate-limited per address, not audited (it gives out no key)
 * POST /api/v1/reports/status  the same for up to 100 reports in one request ({@link ReportStatuses})
 * all            400 invalid_report_id, 401 (no or bad bearer token), 429 rate_limited,
 *                503 audit_unavailable | storage_unavailable
 * </pre>
 *
 * Every answer of these routes past report-ID validation, granted or refused, is appended to the
 * audit log before it is sent; when the append fails the answer is 503 {@code audit_unavailable}
 * and carries no key; when the keys' table cannot be read or written (disk full), 503
 * {@code storage_unavailable}. A fetch's grant and a revocation are settled inside the audit
 * transaction ({@link ReportKeys#grantIfOpen}, {@link ReportKeys#revocation}), so the log records
 * each outcome once, as final: no grant is ever numbered after the revocation that refuses it.
 * Requests are rate-limited per user (per address while unauthenticated).
 */
public final class KeysRole implements Role {
    private static final String OPEN_API = OpenApi.resource(KeysRole.class, "/openapi/keys.yaml");
    public static final String NAME = "keys"; // RoleName.KEYS.id()
    static final String KEY = "/api/v1/reports/{reportId}/key";
    static final String ACCESSES = "/api/v1/reports/{reportId}/accesses";
    static final String REVOKE = "/api/v1/reports/{reportId}/revoke";
    static final String STATUS = "/api/v1/reports/{reportId}/status";
    static final int MAX_LISTED = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(KeysRole.class);

    private final ReportKeys keys;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final TokenVerifier tokens;
    private final RateLimiter limiter;
    private final Cors cors;
    private final EnterpriseKeyFetch enterpriseFetch;
    private final EnterpriseAdmins admins;
    private final KeyFetchMeter fetches;

    /**
     * @param limiter buckets keyed {@code user:<id>} for signed-in requests and {@code ip:<address>}
     *     for requests that fail authentication
     * @param trustedOrigins web origins allowed to call these routes from a browser
     */
    public KeysRole(ReportKeys keys, AccessPolicy policy, AuditLog audit, TokenVerifier tokens, RateLimiter limiter,
                    List<String> trustedOrigins) {
        this(keys, policy, audit, tokens, limiter, trustedOrigins, EnterpriseAuthority.none());
    }

    /**
     * Same, also giving keys to the Key Server Tokens that {@code enterprises} recognises
     * ({@link EnterpriseKeyFetch}).
     */
    public KeysRole(ReportKeys keys, AccessPolicy policy, AuditLog audit, TokenVerifier tokens, RateLimiter limiter,
                    List<String> trustedOrigins, EnterpriseAuthority enterprises) {
        this(keys, policy, audit, tokens, limiter, trustedOrigins, enterprises, EnterpriseAdmins.none());
    }

    /** Same, also showing a report's whole access log to the admin of its sender's enterprise. */
    public KeysRole(ReportKeys keys, AccessPolicy policy, AuditLog audit, TokenVerifier tokens, RateLimiter limiter,
                    List<String> trustedOrigins, EnterpriseAuthority enterprises, EnterpriseAdmins admins) {
        this(keys, policy, audit, tokens, limiter, trustedOrigins, enterprises, admins, new SimpleMeterRegistry());
    }

    /** Same, counting key fetches on {@code metrics} ({@link KeyFetchMeter}). */
    public KeysRole(ReportKeys keys, AccessPolicy policy, AuditLog audit, TokenVerifier tokens, RateLimiter limiter,
                    List<String> trustedOrigins, EnterpriseAuthority enterprises, EnterpriseAdmins admins,
                    MeterRegistry metrics) {
        this.fetches = new KeyFetchMeter(metrics);
        this.admins = admins;
        this.enterpriseFetch = new EnterpriseKeyFetch(keys, audit, enterprises, limiter);
        this.keys = keys;
        this.policy = policy;
        this.audit = audit;
        this.tokens = tokens;
        this.limiter = limiter;
        this.cors = new Cors(trustedOrigins);
    }

    @Override
    public RoleName roleName() {
        return RoleName.KEYS;
    }

    @Override
    public void routes(JavalinDefaultRoutingApi routes) {
        for (String path : List.of(KEY, ACCESSES, REVOKE, STATUS, ReportStatuses.PATH)) {
            routes.options(path, withCors(cors::preflight));
        }
        routes.post(KEY, withCors(storage(this::createKey)));
        routes.get(KEY, withCors(fetches.counting(this::fetchKey)));
        routes.get(ACCESSES, withCors(storage(this::listAccesses)));
        routes.post(REVOKE, withCors(storage(this::revoke)));
        routes.get(STATUS, withCors(storage(this::status)));
        routes.post(ReportStatuses.PATH, withCors(storage(new ReportStatuses(keys, limiter)::handle)));
    }

    /**
     * The CORS headers first (preflights and refusals included), from the route's own handler
     * rather than from a {@code before(path)} per route: Javalin matches the path pattern (a regex)
     * of every before handler against every request the server reads, and on a key fetch the five
     * of them, with the path parameters extracted again for the one that matched, were about 3% of
     * the server's CPU (JFR, bench/keyserver-load.sh).
     */
    private Handler withCors(Handler handler) {
        return ctx -> {
            cors.decorate(ctx);
            handler.handle(ctx);
        };
    }

    /** A failure to read or write the keys' table is 503 {@code storage_unavailable}, like the audit's. */
    private static Handler storage(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (KeyStoreUnavailableException e) {
                throw storageUnavailable(e);
            }
        };
    }

    private static ApiException storageUnavailable(KeyStoreUnavailableException e) {
        LOG.error("refusing a key server request: {} ({})", e.getMessage(),
                e.getCause() == null ? "" : e.getCause().getClass().getSimpleName());
        return new ApiException(ErrorCode.STORAGE_UNAVAILABLE,
                "the key server could not read or write its keys; try again later");
    }

    /** Who asks about which report, from where. */
    private record Caller(UserToken user, ReportId report, String address) {
    }

    private void createKey(Context ctx) {
        Caller r = signedIn(ctx, AuditAction.KEY_CREATED);
        permitted(r, AuditAction.KEY_CREATED);
        Creation creation = keys.create(r.report(), r.user().userId(), r.user().email(),
                r.user().inEnterprise() ? r.user().enterpriseId() : "");
        if (creation instanceof Creation.Created created) {
            record(r, AuditAction.KEY_CREATED, Outcome.GRANTED);
            sendKey(ctx, 201, created.key());
        } else if (creation instanceof Creation.Existing existing) {
            record(r, AuditAction.KEY_CREATED, Outcome.GRANTED);
            sendKey(ctx, 200, existing.key());
        } else if (creation instanceof Creation.Revoked) {
            throw refuse(r, AuditAction.KEY_CREATED, revokedAnswer());
        } else {
            throw refuse(r, AuditAction.KEY_CREATED, new ApiException(ErrorCode.REPORT_OWNED_BY_ANOTHER,
                    "another user already holds this report ID; make a new report ID"));
        }
    }

    /**
     * The checks run on the request's thread; the wait for the grant's audit event does not: the
     * request is suspended and answered from the audit log's answer thread once the event is durable
     * ({@link AuditLog#appendLater}), so a key fetch holds no server thread while it waits for the
     * disk. Fail closed as before: the key is written only in the stage that runs after the commit,
     * and only when what was recorded is a grant.
     */
    private Supplier<CompletableFuture<?>> fetchKey(Context ctx) throws Exception {
        try {
            String enterpriseToken = EnterpriseKeyFetch.tokenOf(ctx);
            if (enterpriseToken != null) {
                storage(c -> enterpriseFetch.fetch(c, reportId(c), enterpriseToken)).handle(ctx);
                return null;
            }
            Caller r = signedIn(ctx, AuditAction.KEY_DENIED);
            permitted(r, AuditAction.KEY_DENIED);
            // From memory when seen before: a revocation made elsewhere is caught by the check below.
            ReportKey key = keys.remembered(r.report())
                    .orElseThrow(() -> refuse(r, AuditAction.KEY_DENIED, unknownReport()));
            if (key.revoked()) {
                throw refuse(r, AuditAction.KEY_DENIED, revokedAnswer());
            }
            // Memory may not know of a revocation made elsewhere: the grant is settled in the database,
            // in the audit transaction, and what was recorded is what is answered.
            AuditEntry grant = new AuditEntry(r.user().userId(), r.user().email(), r.report().value(),
                    AuditAction.KEY_FETCHED, Outcome.GRANTED, r.address());
            InTransaction settle = keys.grantIfOpen(r.report());
            return () -> {
                // Called once the request is suspended. No Jetty timer for it (as in Javalin's own
                // AsyncExecutor), whose thread could end the request while the key is being written
                // (into the connection's next answer); the append's 30 s bound always ends the stage
                // below, and then only its thread ends the request, after sendKey has returned.
                ctx.req().getAsyncContext().setTimeout(0);
                return audit.appendLater(grant, settle).handle((recorded, failure) -> {
                    if (failure != null) {
                        throw auditUnavailable(grant, failure);
                    }
                    if (!recorded.granted()) {
                        throw refusalRecorded(recorded);
                    }
                    sendKey(ctx, 200, key);
                    return null;
                });
            };
        } catch (KeyStoreUnavailableException e) {
            throw storageUnavailable(e);
        }
    }

    private void listAccesses(Context ctx) {
        Caller r = signedIn(ctx, AuditAction.ACCESSES_LISTED);
        ReportKey key = keys.find(r.report())
                .orElseThrow(() -> refuse(r, AuditAction.ACCESSES_LISTED, unknownReport()));
        boolean all = key.ownedBy(r.user().userId()) || senderEnterpriseAdmin(r);
        boolean own = !all && audit.recorded(r.report().value(), r.user().userId(), AuditAction.KEY_FETCHED,
                Outcome.GRANTED);
        if (!all && !own) {
            throw refuse(r, AuditAction.ACCESSES_LISTED, new ApiException(ErrorCode.NOT_PERMITTED,
                    "only the report's sender and those who were given its key can see who opened it"));
        }
        record(r, AuditAction.ACCESSES_LISTED, Outcome.GRANTED);
        List<Map<String, Object>> accesses = new ArrayList<>();
        List<AuditEvent> events = all ? audit.eventsFor(r.report().value(), MAX_LISTED)
                : audit.eventsFor(r.report().value(), r.user().userId(), MAX_LISTED);
        for (AuditEvent e : events) {
            Map<String, Object> access = new LinkedHashMap<>();
            access.put("seq", e.seq());
            access.put("time", e.time().toString());
            access.put("user_id", e.actorUserId());
            access.put("email", e.actorEmail());
            access.put("action", e.action());
            access.put("outcome", e.outcome());
            accesses.add(access);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("report_id", r.report().value());
        body.put("revoked_at", timeOrNull(key.revokedAt()));
        body.put("scope", all ? "all" : "own");
        body.put("accesses", accesses);
        ctx.json(body);
    }

    private void revoke(Context ctx) {
        Caller r = signedIn(ctx, AuditAction.REPORT_REVOKED);
        ReportKey key = keys.find(r.report())
                .orElseThrow(() -> refuse(r, AuditAction.REPORT_REVOKED, unknownReport()));
        if (!key.ownedBy(r.user().userId())) {
            throw refuse(r, AuditAction.REPORT_REVOKED, new ApiException(ErrorCode.NOT_PERMITTED,
                    "only the report's sender can revoke it"));
        }
        boolean already = key.revoked();
        if (!already) {
            // Applied in the transaction that records it: no revocation is missing from the log, and
            // no grant is recorded after it. It records nothing when another request revoked it first.
            AuditEvent recorded = record(new AuditEntry(r.user().userId(), r.user().email(), r.report().value(),
                    AuditAction.REPORT_REVOKED, Outcome.GRANTED, r.address()), keys.revocation(r.report()));
            already = recorded == null;
        }
        ReportKey revoked = already && key.revoked() ? key : keys.find(r.report()).orElseThrow(KeysRole::unknownReport);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("report_id", r.report().value());
        body.put("revoked_at", timeOrNull(revoked.revokedAt()));
        body.put("already_revoked", already);
        ctx.json(body);
    }

    /**
     * Public: whether the report is revoked, so a share link's page can say so before anyone signs
     * in. Gives out no key and no person, so it is not audited; limited per address.
     */
    private void status(Context ctx) {
        ReportId report = reportId(ctx);
        ReportStatuses.acquire(limiter, ctx);
        ctx.json(ReportStatuses.answer(report, keys.status(report).orElseThrow(KeysRole::unknownReport)));
    }

    /**
     * The report ID (400 when malformed, not logged: it is no report), then the user token (401,
     * logged without an actor) and the user's rate limit (429, not logged, so floods cannot fill the
     * log).
     */
    private Caller signedIn(Context ctx, AuditAction refusedAs) {
        ReportId report;
        try {
            report = new ReportId(ctx.pathParam("reportId"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_REPORT_ID, e.getMessage());
        }
        String address = ctx.ip();
        UserToken user;
        try {
            user = tokens.fromRequest(ctx);
        } catch (Refusal e) {
            if (e.errorCode().status() == 401) {
                limiter.acquire("ip:" + address, "unauthenticated requests");
                record(new AuditEntry("", "", report.value(), refusedAs, Outcome.refused(e.code()), address));
            }
            throw e;
        }
        limiter.acquire("user:" + user.userId(), "key server requests");
        return new Caller(user, report, address);
    }

    private static ReportId reportId(Context ctx) {
        try {
            return new ReportId(ctx.pathParam("reportId"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_REPORT_ID, e.getMessage());
        }
    }

    /** A verified email that the access policy lets in. */
    private void permitted(Caller r, AuditAction refusedAs) {
        if (!r.user().emailVerified()) {
            throw refuse(r, refusedAs, new ApiException(ErrorCode.EMAIL_UNVERIFIED,
                    "verify your email address first: keys go to verified addresses only"));
        }
        if (!policy.allows(r.user().email())) {
            throw refuse(r, refusedAs, new ApiException(ErrorCode.ACCESS_DENIED,
                    "this key server's policy does not give keys to your email address"));
        }
    }

    /** Whether the user administers the enterprise the report's sender was in when its key was made. */
    private boolean senderEnterpriseAdmin(Caller r) {
        if (!r.user().inEnterprise()) {
            return false;
        }
        String enterprise = keys.creatorEnterprise(r.report()).orElse("");
        return !enterprise.isEmpty() && enterprise.equals(r.user().enterpriseId())
                && admins.administers(enterprise, r.user());
    }

    /** The answer for a refusal the audit transaction settled on (see {@link ReportKeys#grantIfOpen}). */
    static ApiException refusalRecorded(AuditEvent recorded) {
        return recorded.outcome().equals(Outcome.refused("unknown_report").code()) ? unknownReport() : revokedAnswer();
    }

    /** Logs the refusal, then gives it back to be thrown; 503 instead when it cannot be logged. */
    private ApiException refuse(Caller r, AuditAction action, ApiException refusal) {
        record(r, action, Outcome.refused(refusal.code()));
        return refusal;
    }

    private void record(Caller r, AuditAction action, Outcome outcome) {
        record(new AuditEntry(r.user().userId(), r.user().email(), r.report().value(), action, outcome, r.address()));
    }

    private void record(AuditEntry entry) {
        record(entry, InTransaction.AS_PROPOSED);
    }

    private AuditEvent record(AuditEntry entry, InTransaction work) {
        try {
            return audit.append(entry, work);
        } catch (AuditUnavailableException e) {
            throw auditUnavailable(entry, e);
        }
    }

    /** 503 {@code audit_unavailable} for an append that failed (or whose answer stage could not run). */
    private static ApiException auditUnavailable(AuditEntry entry, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        LOG.error("refusing a {} request: the audit log is unavailable ({})", entry.action().code(),
                cause instanceof AuditUnavailableException ? cause.getMessage() : cause.getClass().getSimpleName());
        return new ApiException(ErrorCode.AUDIT_UNAVAILABLE,
                "the request could not be logged, so it is refused; try again later");
    }

    /**
     * The key answer, the hottest one, written by hand: report IDs are {@code [A-Za-z0-9_-]} and keys
     * base64url, so neither ever needs escaping. It goes to the servlet's response stream itself:
     * not as Javalin's {@code result}, which Javalin copies through a fresh 32 KiB buffer per answer,
     * nor through Javalin's {@code outputStream()}, whose first write checks the content type against
     * the compression rules (about 2.5% of a fetch's CPU, JFR) for an answer far below the size
     * worth compressing. The answer is small, so Jetty keeps it in its aggregation buffer and
     * commits it (with its Content-Length) only when the request completes, after the after
     * handlers: their headers still apply.
     * Called only while the request is in progress: on its own thread (create) or, for a fetch, from
     * the stage that alone can end the suspended request ({@link #fetchKey}).
     */
    private static void sendKey(Context ctx, int status, ReportKey key) {
        byte[] body = ("{\"report_id\":\"" + key.reportId().value() + "\",\"key\":\"" + key.key() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // No Cache-Control here: every answer to a request with Authorization (every key answer) is
        // no-store by server-kit's rule (ResponseHeaders), and setting it again cost ~1.5% of a fetch.
        ctx.status(status).contentType(ContentType.APPLICATION_JSON);
        try {
            ctx.res().getOutputStream().write(body);
        } catch (IOException e) {
            throw new UncheckedIOException("the key answer could not be written", e);
        }
    }

    static ApiException unknownReport() {
        return new ApiException(ErrorCode.UNKNOWN_REPORT, "this key server holds no key for that report");
    }

    static ApiException revokedAnswer() {
        return new ApiException(ErrorCode.REPORT_REVOKED, "the report's sender has revoked it");
    }

    private static String timeOrNull(Instant time) {
        return time == null ? null : time.toString();
    }

    @Override
    public String openApi() {
        return OPEN_API;
    }
}
