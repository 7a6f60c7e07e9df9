package org.safelight.accounts.enterprise;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.http.ApiException;
import org.safelight.server.limits.RateLimiter;

/**
 * {@code GET /api/v1/enterprise/credential} with {@code Authorization: Bearer slak_...|slkst_...}:
 * tells a role running apart from accounts (through {@code HttpEnterpriseAuthority}) which
 * enterprise a live credential belongs to, {@code 200 {"enterprise_id", "kind"}} with
 * {@code kind} {@code api_key} or {@code key_server_token}; 401 for anything else. Every failed
 * check is counted against the client address like a sign-in attempt (429 once used up), so secrets
 * cannot be guessed here, while live credentials are always answered. Thread-safe.
 */
public final class CredentialCheck {
    private final EnterpriseCredentials credentials;
    private final RateLimiter perIp;

    public CredentialCheck(EnterpriseCredentials credentials, RateLimiter perIp) {
        this.credentials = credentials;
        this.perIp = perIp;
    }

    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        String secret = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim() : "";
        for (EnterpriseAuthority.Credential kind : EnterpriseAuthority.Credential.values()) {
            if (kind.looksLike(secret)) {
                Optional<String> enterprise = credentials.check(kind, secret);
                if (enterprise.isPresent()) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("enterprise_id", enterprise.get());
                    out.put("kind", kind == EnterpriseAuthority.Credential.API_KEY ? "api_key" : "key_server_token");
                    ctx.header("Cache-Control", "no-store").json(out);
                    return;
                }
            }
        }
        // Only failures count: a role server apart asks from one address for all its clients, and
        // guesses sent through it must not lock out the live credentials it checks.
        perIp.acquire("credential:" + ctx.ip(), "credential checks");
        throw ApiException.unauthorized("not a live enterprise API key or Key Server Token");
    }
}
