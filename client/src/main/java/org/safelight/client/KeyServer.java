package org.safelight.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.safelight.format.report.ReportId;

/**
 * The key server's report routes, as the signed-in user. Before anything goes to a key server its
 * URL is reduced to its origin and checked against {@link KeyServerTrust} (an untrusted one gets
 * nothing at all), then a token scoped to that origin is got from the signed-in server's token
 * exchange, and only that token is sent: the user's own token never leaves the signed-in server.
 */
public final class KeyServer {
    private final ApiClient api;
    private final Accounts accounts;
    private final KeyServerTrust trust;

    public KeyServer(ApiClient api, Accounts accounts, KeyServerTrust trust) {
        this.api = api;
        this.accounts = accounts;
        this.trust = trust;
    }

    /** The report's key, created for the signed-in sender (the same key again if it exists). */
    public String createKey(URI keyServer, ReportId report) throws IOException {
        Target t = target(keyServer, report, "key");
        return api.post(t.uri(), t.token(), null).path("key").asText();
    }

    /** The report's key for a recipient; the key server logs the request first. */
    public String fetchKey(URI keyServer, ReportId report) throws IOException {
        Target t = target(keyServer, report, "key");
        return api.get(t.uri(), t.token()).path("key").asText();
    }

    public JsonNode accesses(URI keyServer, ReportId report) throws IOException {
        Target t = target(keyServer, report, "accesses");
        return api.get(t.uri(), t.token());
    }

    public JsonNode revoke(URI keyServer, ReportId report) throws IOException {
        Target t = target(keyServer, report, "revoke");
        return api.post(t.uri(), t.token(), null);
    }

    /**
     * Whether the report is revoked, from the key server's public status route (no token sent);
     * a key server from before that route is asked its accesses route as the signed-in user. A
     * report the key server holds no key for is not revoked. Only a trusted key server is asked.
     */
    public Revocation revocation(URI keyServer, ReportId report) throws IOException {
        Credentials signedIn = accounts.current();
        String origin = trust.check(keyServer.toString(), signedIn.server());
        JsonNode status;
        try {
            status = api.get(URI.create(origin + "/api/v1/reports/" + report.value() + "/status"), null);
        } catch (RefusedException e) {
            if (e.status() != 404 || "unknown_report".equals(e.code())) {
                if (e.status() == 404) {
                    return new Revocation(false, null);
                }
                throw e;
            }
            status = api.get(URI.create(origin + "/api/v1/reports/" + report.value() + "/accesses"),
                    accounts.keyServerToken(signedIn, origin));
        }
        return Revocation.of(status);
    }

    /** A report's revocation state; {@code revokedAt} null when not revoked or not told. */
    public record Revocation(boolean revoked, Instant revokedAt) {
        /**
         * The state a key server's status (or accesses) answer tells. A {@code revoked_at} that is
         * not an ISO instant leaves the time unknown; it never undoes the revocation itself.
         */
        static Revocation of(JsonNode status) {
            String at = status.path("revoked_at").isTextual() ? status.path("revoked_at").asText() : "";
            Instant revokedAt = null;
            boolean toldATime = !at.isEmpty();
            if (toldATime) {
                try {
                    revokedAt = Instant.parse(at);
                } catch (DateTimeParseException e) {
                    revokedAt = null;
                }
            }
            return new Revocation(status.path("revoked").asBoolean(toldATime), revokedAt);
        }
    }

    private record Target(URI uri, String token) {
    }

    /** The checked origin's route and a token for it; throws before any request when untrusted. */
    private Target target(URI keyServer, ReportId report, String what) throws IOException {
        Credentials signedIn = accounts.current();
        String origin = trust.check(keyServer.toString(), signedIn.server());
        return new Target(URI.create(origin + "/api/v1/reports/" + report.value() + "/" + what),
                accounts.keyServerToken(signedIn, origin));
    }
}
