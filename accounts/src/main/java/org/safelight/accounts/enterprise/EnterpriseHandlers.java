package org.safelight.accounts.enterprise;

import org.safelight.server.enterprise.EnterpriseAuthority;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;
import org.safelight.accounts.users.User;
import org.safelight.accounts.users.UserStore;

/**
 * What an enterprise's admin does over HTTP, signed in with a verified address equal to the
 * enterprise's admin address: {@code GET /api/v1/enterprise}, and create (secret shown once),
 * list and revoke {@code /api/v1/enterprise/api-keys} and {@code .../key-server-tokens}. Everyone
 * else gets 403. Thread-safe.
 */
public final class EnterpriseHandlers {
    /** At most this many domain members are listed; {@code domain_members_truncated} says when there are more. */
    static final int DOMAIN_MEMBERS_SHOWN = 500;

    private final Enterprises enterprises;
    private final EnterpriseCredentials credentials;
    private final TokenVerifier verifier;
    private final UserStore users;

    public EnterpriseHandlers(Enterprises enterprises, EnterpriseCredentials credentials, TokenVerifier verifier,
                              UserStore users) {
        this.enterprises = enterprises;
        this.credentials = credentials;
        this.verifier = verifier;
        this.users = users;
    }

    /**
     * → {@code {id, name, admin_email, pro, domains, members, domain_members, domain_members_truncated,
     * credentials}}: {@code members} is the explicit list; {@code domain_members} the confirmed
     * accounts at the domains, {@code {email, name, confirmed_at}} by address, the first
     * {@value #DOMAIN_MEMBERS_SHOWN} ({@code domain_members_truncated} when there are more);
     * {@code credentials} the live ones of both
     * kinds, oldest first, each {@code {id, kind, label, created_at, last_used_at (absent until
     * used), prefix, last4}}.
     */
    public void show(Context ctx) {
        Enterprise e = administered(ctx);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("name", e.name());
        out.put("admin_email", e.adminEmail());
        out.put("pro", e.pro());
        out.put("domains", e.domains());
        out.put("members", e.members());
        List<Enterprises.DomainMember> atDomains = enterprises.domainMembers(e.id(), DOMAIN_MEMBERS_SHOWN + 1);
        out.put("domain_members", atDomains.stream().limit(DOMAIN_MEMBERS_SHOWN).map(m -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("email", m.email());
            item.put("name", m.name());
            if (m.confirmedAt() != null) {
                item.put("confirmed_at", m.confirmedAt().toString());
            }
            return item;
        }).toList());
        out.put("domain_members_truncated", atDomains.size() > DOMAIN_MEMBERS_SHOWN);
        out.put("credentials", credentials.live(e.id()).stream().map(info -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", info.id());
            item.put("kind", info.kind() == EnterpriseAuthority.Credential.API_KEY ? "api_key" : "key_server_token");
            item.put("label", info.label());
            item.put("created_at", info.createdAt().toString());
            if (info.lastUsedAt() != null) {
                item.put("last_used_at", info.lastUsedAt().toString());
            }
            item.put("prefix", info.prefix());
            item.put("last4", info.last4());
            return item;
        }).toList());
        ctx.header("Cache-Control", "no-store").json(out);
    }

    public void createApiKey(Context ctx) {
        create(ctx, EnterpriseAuthority.Credential.API_KEY, "api_key");
    }

    public void listApiKeys(Context ctx) {
        list(ctx, EnterpriseAuthority.Credential.API_KEY, "api_keys");
    }

    public void revokeApiKey(Context ctx) {
        revoke(ctx, EnterpriseAuthority.Credential.API_KEY);
    }

    public void createKeyServerToken(Context ctx) {
        create(ctx, EnterpriseAuthority.Credential.KEY_SERVER_TOKEN, "key_server_token");
    }

    public void listKeyServerTokens(Context ctx) {
        list(ctx, EnterpriseAuthority.Credential.KEY_SERVER_TOKEN, "key_server_tokens");
    }

    public void revokeKeyServerToken(Context ctx) {
        revoke(ctx, EnterpriseAuthority.Credential.KEY_SERVER_TOKEN);
    }

    /**
     * Optional JSON body {@code {"label": "..."}} (one line, at most 100 characters) → 201
     * {@code {id, label, prefix, <field>: secret}}; the only time the secret is shown.
     */
    private void create(Context ctx, EnterpriseAuthority.Credential kind, String field) {
        Enterprise e = administered(ctx);
        // an empty body (older clients) makes an unlabelled credential
        String label = ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null
                ? Json.optionalText(Json.body(ctx), "label") : "";
        EnterpriseCredentials.Issued issued;
        try {
            issued = credentials.issue(e.id(), kind, label);
        } catch (IllegalArgumentException badLabel) {
            throw ApiException.badRequest(badLabel.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", issued.id());
        out.put("label", label.strip());
        out.put("prefix", kind.prefix() + "_" + issued.id());
        out.put(field, issued.secret());
        ctx.status(201).header("Cache-Control", "no-store").json(out);
    }

    /** → {@code {<field>: [{id, label, prefix, created_at, last_used_at (absent until used), last4, revoked}]}}. */
    private void list(Context ctx, EnterpriseAuthority.Credential kind, String field) {
        Enterprise e = administered(ctx);
        List<Map<String, Object>> items = credentials.list(e.id(), kind).stream().map(info -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", info.id());
            item.put("label", info.label());
            item.put("prefix", info.prefix());
            item.put("created_at", info.createdAt().toString());
            if (info.lastUsedAt() != null) {
                item.put("last_used_at", info.lastUsedAt().toString());
            }
            item.put("last4", info.last4());
            item.put("revoked", info.revoked());
            return item;
        }).toList();
        ctx.header("Cache-Control", "no-store").json(Map.of(field, items));
    }

    /** → 204, or 404 when the enterprise has no credential with that id. */
    private void revoke(Context ctx, EnterpriseAuthority.Credential kind) {
        Enterprise e = administered(ctx);
        if (!credentials.revoke(e.id(), kind, ctx.pathParam("id"))) {
            throw ApiException.notFound("the enterprise has no such credential");
        }
        ctx.status(204);
    }

    /**
     * The enterprise the signed-in user administers (with a verified address), told from the account
     * as it is now, not from the token's claims: an admin replaced, or whose address changed, loses
     * control at once, not when their token expires.
     *
     * @throws ApiException {@code email_unverified}, {@code not_enterprise_admin}
     */
    public Enterprise administered(Context ctx) {
        UserToken token = verifier.fromRequest(ctx);
        User user = users.findById(token.userId()).orElseThrow(() -> new ApiException(ErrorCode.INVALID_TOKEN,
                "the account of this token no longer exists"));
        if (!user.emailVerified()) {
            throw new ApiException(ErrorCode.EMAIL_UNVERIFIED,
                    "confirm your email address first: enterprise administration needs a verified address");
        }
        return enterprises.findByAdmin(user.email()).orElseThrow(() -> new ApiException(ErrorCode.NOT_ENTERPRISE_ADMIN,
                "only the enterprise's administrator can do this"));
    }
}
