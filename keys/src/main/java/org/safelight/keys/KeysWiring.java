package org.safelight.keys;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.safelight.accounts.AccountsStores;
import org.safelight.server.http.Role;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.role.Migrations;
import org.safelight.server.role.RoleContext;
import org.safelight.server.role.RoleName;
import org.safelight.server.role.RoleWiring;
import org.safelight.server.tokens.TokenAudience;

/**
 * The key server's wiring: master key and audit log in the data folder, key-server tokens scoped to
 * its own public origin, the per-user rate limit, and who administers which enterprise (known when
 * the accounts role runs in this process; the admin of a sender's enterprise sees its reports'
 * whole access logs).
 */
public final class KeysWiring implements RoleWiring {
    private final KeysSettings settings;

    public KeysWiring(KeysSettings settings) {
        this.settings = settings;
    }

    public KeysSettings settings() {
        return settings;
    }

    @Override
    public RoleName name() {
        return RoleName.KEYS;
    }

    @Override
    public Optional<Migrations> migrations() {
        return Optional.of(Migrations.of(RoleName.KEYS));
    }

    @Override
    public void check(Set<RoleName> running, Optional<URI> accountsUrl) {
        if (!running.contains(RoleName.ACCOUNTS) && accountsUrl.isEmpty()) {
            throw new IllegalArgumentException("the keys role alone needs --accounts-url: the accounts server it trusts");
        }
    }

    @Override
    public Map<String, String> describe(Path dataDir) {
        return settings.describe();
    }

    @Override
    public Role build(RoleContext context) {
        int perMinute = settings.keyRequestsPerMinute();
        EnterpriseAdmins admins = context.service(AccountsStores.class).map(KeysWiring::admins)
                .orElse(EnterpriseAdmins.none());
        // Only tokens the accounts role scoped to this key server's own public origin.
        TokenAudience ownOrigin = TokenAudience.keyServer(context.issuer(), context.publicUrl());
        KeyServer keys = KeyServer.open(context.database(), context.dataDir(), context.tokens(ownOrigin),
                settings.trustedOrigins(), RateLimiter.forDatabase(context.database(), context::masterKey,
                        "keys.requests-per-user", perMinute, perMinute / 60.0, context.clock()),
                context.enterprises(), admins, context.clock());
        context.closeOnStop(keys);
        return keys.role();
    }

    /** The accounts role's current word on who administers an enterprise. */
    static EnterpriseAdmins admins(AccountsStores accounts) {
        return (enterprise, user) -> accounts.enterprises().membershipOf(user.email(), user.emailVerified())
                .filter(m -> m.enterpriseId().equals(enterprise)).map(m -> m.admin()).orElse(false);
    }
}
