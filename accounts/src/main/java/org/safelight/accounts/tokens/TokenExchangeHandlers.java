package org.safelight.accounts.tokens;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.users.User;
import org.safelight.accounts.users.UserStore;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.Json;
import org.safelight.server.tokens.Origin;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;

/**
 * Token exchange, {@code POST /api/v1/accounts/key-server-token} (and {@code .../endpoint-token}, the
 * same for an endpoint's origin): a signed-in user's token (and
 * only that kind: {@code verifier} accepts user tokens of this issuer) is traded for a short-lived
 * token that only the key server at one origin accepts ({@link AccessTokens#issueForKeyServer}).
 * The {@code key_server} URL is reduced to its origin, so a path or query cannot change where the
 * token is good. Its claims are read afresh from the account (verification, enterprise membership),
 * like at a refresh. Which key servers a client may send such a token to is the client's decision
 * (the CLI's trust list, the web's configured key servers); this token is worthless anywhere else.
 * Thread-safe.
 */
public final class TokenExchangeHandlers {
    private final UserStore users;
    private final Enterprises enterprises;
    private final AccessTokens tokens;
    private final TokenVerifier verifier;

    public TokenExchangeHandlers(UserStore users, Enterprises enterprises, AccessTokens tokens,
                                 TokenVerifier verifier) {
        this.users = users;
        this.enterprises = enterprises;
        this.tokens = tokens;
        this.verifier = verifier;
    }

    /** {@code {key_server}} → {@code {access_token, token_type, expires_in, key_server}}. */
    public void keyServerToken(Context ctx) {
        UserToken token = verifier.fromRequest(ctx);
        String origin = origin(Json.text(Json.body(ctx), "key_server"), "key_server");
        User user = account(token);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", tokens.issueForKeyServer(user,
                enterprises.membershipOf(user.email(), user.emailVerified()), origin));
        answer.put("token_type", "Bearer");
        answer.put("expires_in", AccessTokens.KEY_SERVER_LIFETIME.toSeconds());
        answer.put("key_server", origin);
        ctx.json(answer); // no-store: the server's rule for every answer to a request with Authorization
    }

    /**
     * {@code {endpoint}} → {@code {token, expires_at, endpoint}}: the token an institution's intake
     * ({@code POST /api/report}'s {@code token} field) takes instead of the user's own token, which must
     * never travel to an institution's server. Same rules as {@link #keyServerToken}.
     */
    public void endpointToken(Context ctx) {
        UserToken token = verifier.fromRequest(ctx);
        String origin = origin(Json.text(Json.body(ctx), "endpoint"), "endpoint");
        User user = account(token);
        AccessTokens.Issued issued = tokens.issueForEndpoint(user,
                enterprises.membershipOf(user.email(), user.emailVerified()), origin);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", issued.token());
        answer.put("expires_at", issued.expiresAt().toString());
        answer.put("endpoint", origin);
        ctx.json(answer);
    }

    private static String origin(String requested, String field) {
        try {
            return Origin.of(requested);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'" + field + "' must be an http:// or https:// URL (" + e.getMessage() + ")");
        }
    }

    private User account(UserToken token) {
        return users.findById(token.userId()).orElseThrow(() ->
                new ApiException(401, "invalid_token", "the account of this token no longer exists"));
    }
}
