package org.safelight.accounts.enterprise;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.accounts.users.User;
import org.safelight.accounts.users.UserStore;
import org.safelight.server.enterprise.EnterpriseAdmins;
import org.safelight.server.enterprise.HttpEnterpriseAdmins;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.tokens.UserToken;

/**
 * Whether a user administers an enterprise, from the accounts' current state: the account exists,
 * its address is confirmed, and it is the enterprise's admin address now (a token signed before the
 * operator changed the admin does not count). In process it is the {@link EnterpriseAdmins} of this
 * role; for a role in another process (the endpoint's institution view) it answers
 * {@code GET /api/v1/enterprise/admin?enterprise_id=E&user_id=U} → {@code {"enterprise_id",
 * "user_id", "admin"}}, only to callers presenting the deployment's service credential (403
 * {@code service_only} otherwise), so it tells nobody else who administers what. Thread-safe.
 */
public final class AdminCheck implements EnterpriseAdmins {
    private final UserStore users;
    private final Enterprises enterprises;
    private final ServiceCredential service;

    public AdminCheck(UserStore users, Enterprises enterprises, ServiceCredential service) {
        this.users = users;
        this.enterprises = enterprises;
        this.service = service;
    }

    @Override
    public boolean administers(String enterpriseId, UserToken user) {
        return administers(enterpriseId, user.userId());
    }

    /** Whether the account {@code userId} administers {@code enterpriseId} now. */
    public boolean administers(String enterpriseId, String userId) {
        if (enterpriseId == null || enterpriseId.isEmpty() || userId == null || userId.isEmpty()) {
            return false;
        }
        return users.findById(userId).filter(User::emailVerified)
                .flatMap(u -> enterprises.find(enterpriseId).map(e -> e.adminEmail().equals(u.email())))
                .orElse(false);
    }

    /** The route of {@link HttpEnterpriseAdmins}. */
    public void handle(Context ctx) {
        if (!service.matches(ctx)) {
            throw ApiException.forbidden("service_only", "only another Safelight role may ask who administers an"
                    + " enterprise");
        }
        String enterprise = ctx.queryParam("enterprise_id");
        String user = ctx.queryParam("user_id");
        if (enterprise == null || enterprise.isBlank() || user == null || user.isBlank()) {
            throw ApiException.badRequest("give enterprise_id and user_id");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enterprise_id", enterprise);
        out.put("user_id", user);
        out.put("admin", administers(enterprise, user));
        ctx.header("Cache-Control", "no-store").json(out);
    }
}
