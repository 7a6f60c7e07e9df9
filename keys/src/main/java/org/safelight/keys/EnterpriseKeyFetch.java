package org.safelight.keys;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.safelight.keys.audit.AuditAction;
import org.safelight.keys.audit.AuditEntry;
import org.safelight.keys.audit.AuditEvent;
import org.safelight.keys.audit.AuditLog;
import org.safelight.keys.audit.AuditUnavailableException;
import org.safelight.keys.audit.InTransaction;
import org.safelight.keys.audit.Outcome;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.enterprise.EnterpriseAuthorityUnavailableException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;
import org.safelight.server.limits.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/reports/{reportId}/key} with {@code Authorization: Bearer slkst_...}: an
 * enterprise's Key Server Token (DESIGN §3) fetches the key of a report whose creator was a member
 * of that enterprise when the key was made (the creating token's {@code ent} claim, stored with the
 * key). Audited with the actor {@code enterprise:<id>} and no email; the access policy's email
 * patterns do not apply, as there is no email. Answers:
 *
 * <pre>
 * 200 {"report_id", "key"}    401 unauthorized (unknown or revoked token, logged without an actor)
 * 403 access_denied           (another enterprise's report, or a report made outside any enterprise)
 * 404 unknown_report          410 report_revoked        429 rate_limited (per enterprise)
 * 503 accounts_unavailable (the accounts role could not be asked; no key)
 * 503 audit_unavailable, storage_unavailable
 * </pre>
 *
 * Thread-safe.
 */
final class EnterpriseKeyFetch {
    private static final Logger LOG = LoggerFactory.getLogger(EnterpriseKeyFetch.class);

    private final ReportKeys keys;
    private final AuditLog audit;
    private final EnterpriseAuthority authority;
    private final RateLimiter limiter;

    EnterpriseKeyFetch(ReportKeys keys, AuditLog audit, EnterpriseAuthority authority, RateLimiter limiter) {
        this.keys = keys;
        this.audit = audit;
        this.authority = authority;
        this.limiter = limiter;
    }

    /** The bearer secret when the request carries a Key Server Token, else null. */
    static String tokenOf(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String secret = header.substring(7).trim();
        return EnterpriseAuthority.Credential.KEY_SERVER_TOKEN.looksLike(secret) ? secret : null;
    }

    void fetch(Context ctx, ReportId report, String secret) {
        String address = ctx.ip();
        Optional<String> enterprise;
        try {
            enterprise = authority.enterpriseOf(EnterpriseAuthority.Credential.KEY_SERVER_TOKEN, secret);
        } catch (EnterpriseAuthorityUnavailableException e) {
            LOG.warn("refusing an enterprise key request: the accounts role cannot be asked ({})",
                    e.getClass().getSimpleName());
            // Not known to be anyone's: limited like an unauthenticated request, so junk tokens sent
            // while the accounts role cannot answer (or limits us) cannot flood the audit log.
            limiter.acquire("ip:" + address, "unauthenticated requests");
            Refusal refusal = new Refusal(ErrorCode.ACCOUNTS_UNAVAILABLE,
                    "the key server cannot check the Key Server Token right now; try again later");
            record(new AuditEntry("", "", report.value(), AuditAction.KEY_DENIED, Outcome.refused(refusal.code()),
                    address));
            throw refusal;
        }
        if (enterprise.isEmpty()) {
            limiter.acquire("ip:" + address, "unauthenticated requests");
            record(new AuditEntry("", "", report.value(), AuditAction.KEY_DENIED, Outcome.refused("unauthorized"),
                    address));
            throw new Refusal(ErrorCode.UNAUTHORIZED, "the Key Server Token is not valid (unknown or revoked)");
        }
        String actor = "enterprise:" + enterprise.get();
        limiter.acquire(actor, "key server requests");
        Optional<String> creator = keys.creatorEnterprise(report);
        if (creator.isEmpty()) {
            throw refuse(actor, report, address, new Refusal(ErrorCode.UNKNOWN_REPORT,
                    "this key server holds no key for that report"));
        }
        if (creator.get().isEmpty() || !creator.get().equals(enterprise.get())) {
            throw refuse(actor, report, address, new Refusal(ErrorCode.ACCESS_DENIED,
                    "this Key Server Token's enterprise did not create that report"));
        }
        ReportKey key = keys.find(report).orElseThrow(() -> refuse(actor, report, address,
                new Refusal(ErrorCode.UNKNOWN_REPORT, "this key server holds no key for that report")));
        if (key.revoked()) {
            throw refuse(actor, report, address, revoked());
        }
        // As for users: settled in the audit transaction, so a revocation numbered first wins.
        AuditEvent recorded = record(new AuditEntry(actor, "", report.value(), AuditAction.KEY_FETCHED,
                Outcome.GRANTED, address), keys.grantIfOpen(report));
        if (!recorded.granted()) {
            throw KeysRole.refusalRecorded(recorded);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("report_id", key.reportId().value());
        body.put("key", key.key());
        ctx.header("Cache-Control", "no-store");
        ctx.status(200).json(body);
    }

    private static Refusal revoked() {
        return KeysRole.revokedAnswer();
    }

    private Refusal refuse(String actor, ReportId report, String address, Refusal refusal) {
        record(new AuditEntry(actor, "", report.value(), AuditAction.KEY_DENIED, Outcome.refused(refusal.code()),
                address));
        return refusal;
    }

    private void record(AuditEntry entry) {
        record(entry, InTransaction.AS_PROPOSED);
    }

    private AuditEvent record(AuditEntry entry, InTransaction work) {
        try {
            return audit.append(entry, work);
        } catch (AuditUnavailableException e) {
            LOG.error("refusing an enterprise {} request: the audit log is unavailable ({})", entry.action().code(),
                    e.getMessage());
            throw new Refusal(ErrorCode.AUDIT_UNAVAILABLE,
                    "the request could not be logged, so it is refused; try again later");
        }
    }
}
