package org.safelight.client.storage.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OAuth 2 side both fakes share: the authorization page (which approves at once, as a user who
 * clicks "Allow" would), the token endpoint with the authorization-code grant checked as RFC 6749
 * and RFC 7636 say (client, redirect URI, one use per code, S256 verifier) and the refresh grant,
 * and bearer tokens that can be made to expire. Thread-safe.
 */
public final class FakeOAuth {
    private static final SecureRandom RANDOM = new SecureRandom();

    record Grant(String clientId, String redirectUri, String challenge) {
    }

    /** What the token endpoint answers: the HTTP status and the JSON body. */
    public record Answer(int status, String json) {
    }

    private final String clientId;
    private final String clientSecret;
    private final boolean rotatesRefreshTokens;
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Set<String> liveAccess = ConcurrentHashMap.newKeySet();
    private final Set<String> expiredAccess = ConcurrentHashMap.newKeySet();
    private final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    /** Each access token's refresh token (the one issued with it, or the one that refreshed it). */
    private final Map<String, String> refreshOf = new ConcurrentHashMap<>();
    private volatile long lifetimeSeconds = 3600;

    /**
     * {@code clientSecret} null: a PKCE public client (Dropbox); else the secret must come too (Box).
     * {@code rotatesRefreshTokens}: a refresh answers a new refresh token and retires the old one
     * (Box); else the refresh token stays (Dropbox).
     */
    FakeOAuth(String clientId, String clientSecret, boolean rotatesRefreshTokens) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.rotatesRefreshTokens = rotatesRefreshTokens;
    }

    static String random() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    /**
     * The authorization page: checks the request and answers where to send the browser back
     * (redirect_uri with code and state), or null when the request is malformed (the real page
     * then shows an error instead of redirecting).
     */
    String authorize(Map<String, String> q) {
        if (!"code".equals(q.get("response_type")) || !clientId.equals(q.get("client_id"))
                || q.get("redirect_uri") == null || !"S256".equals(q.get("code_challenge_method"))
                || q.get("code_challenge") == null || q.get("code_challenge").length() != 43) {
            count("authorize_refused");
            return null;
        }
        String code = random();
        codes.put(code, new Grant(clientId, q.get("redirect_uri"), q.get("code_challenge")));
        count("authorize");
        String sep = q.get("redirect_uri").contains("?") ? "&" : "?";
        return q.get("redirect_uri") + sep + "code=" + code
                + (q.get("state") == null ? "" : "&state=" + java.net.URLEncoder.encode(q.get("state"),
                        StandardCharsets.UTF_8));
    }

    /** The token endpoint, for a form-encoded body. */
    Answer token(Map<String, String> f) {
        if (clientSecret != null && !clientSecret.equals(f.get("client_secret"))) {
            return invalid("invalid_client", "The client credentials are not valid");
        }
        if (!clientId.equals(f.get("client_id"))) {
            return invalid("invalid_client", "unknown client");
        }
        String grantType = f.getOrDefault("grant_type", "");
        if (grantType.equals("authorization_code")) {
            Grant g = f.get("code") == null ? null : codes.remove(f.get("code"));
            if (g == null) {
                return invalid("invalid_grant", "code doesn't exist or has expired");
            }
            if (!g.redirectUri().equals(f.get("redirect_uri"))) {
                return invalid("invalid_grant", "redirect_uri mismatch");
            }
            if (f.get("code_verifier") == null || !s256(f.get("code_verifier")).equals(g.challenge())) {
                return invalid("invalid_grant", "invalid code verifier");
            }
            count("code_exchanged");
            return issue(true, null);
        }
        if (grantType.equals("refresh_token")) {
            if (f.get("refresh_token") == null || !refreshTokens.contains(f.get("refresh_token"))) {
                return invalid("invalid_grant", "refresh token is invalid or revoked");
            }
            count("refreshed");
            if (rotatesRefreshTokens) {
                refreshTokens.remove(f.get("refresh_token"));
            }
            return issue(rotatesRefreshTokens, f.get("refresh_token"));
        }
        return invalid("unsupported_grant_type", "grant_type");
    }

    private Answer invalid(String error, String description) {
        count("token_refused");
        return new Answer(400, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}");
    }

    private Answer issue(boolean withRefresh, String refreshedWith) {
        String access = "at-" + random();
        liveAccess.add(access);
        if (refreshedWith != null) {
            refreshOf.put(access, refreshedWith);
        }
        StringBuilder json = new StringBuilder("{\"access_token\":\"").append(access)
                .append("\",\"token_type\":\"bearer\",\"expires_in\":").append(lifetimeSeconds);
        if (withRefresh) {
            String refresh = "rt-" + random();
            refreshTokens.add(refresh);
            json.append(",\"refresh_token\":\"").append(refresh).append('"');
            refreshOf.put(access, refresh);
        }
        return new Answer(200, json.append(",\"uid\":\"12345\",\"account_id\":\"dbid:fake\",\"scope\":\"\"}")
                .toString());
    }

    /**
     * Revokes {@code token} (an access or a refresh token) and the other of its pair, as Box's
     * {@code /oauth2/revoke} and Dropbox's {@code /2/auth/token/revoke} do.
     *
     * @return whether the token was one this service handed out
     */
    boolean revoke(String token) {
        boolean known = handedOut(token);
        count("revoked");
        String refresh = refreshOf.getOrDefault(token, token);
        liveAccess.remove(token);
        expiredAccess.remove(token);
        refreshTokens.remove(refresh);
        refreshOf.forEach((access, itsRefresh) -> {
            if (itsRefresh.equals(refresh)) {
                liveAccess.remove(access);
            }
        });
        return known;
    }

    /** Whether the client credentials of a form are this app's (the secret too, when it has one). */
    boolean client(Map<String, String> f) {
        return clientId.equals(f.get("client_id")) && (clientSecret == null || clientSecret.equals(f.get("client_secret")));
    }

    /** null when the header carries a live token, else why not ("expired" or "invalid"). */
    String refusal(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return "invalid";
        }
        String token = authorization.substring("Bearer ".length());
        if (liveAccess.contains(token)) {
            return null;
        }
        return expiredAccess.contains(token) ? "expired" : "invalid";
    }

    void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }

    int count(String what, boolean read) {
        return counts.getOrDefault(what, 0);
    }

    // ---- what a test does to the service ----

    /** Every access token handed out so far expires now (their refresh tokens stay good). */
    public void expireAccessTokens() {
        expiredAccess.addAll(liveAccess);
        liveAccess.clear();
    }

    /** The user revoked the app: every token, refresh tokens too, stops working. */
    public void revokeEverything() {
        expireAccessTokens();
        refreshTokens.clear();
    }

    /** How long the access tokens handed out from now on last (negative: already expired). */
    public void lifetimeSeconds(long seconds) {
        this.lifetimeSeconds = seconds;
    }

    /** Whether a call with {@code accessToken} would be let in now. */
    public boolean accepts(String accessToken) {
        return liveAccess.contains(accessToken);
    }

    /** Whether {@code refreshToken} would still refresh. */
    public boolean refreshes(String refreshToken) {
        return refreshTokens.contains(refreshToken);
    }

    /** Whether {@code token} is one this service ever handed out (for "the DB has no token" tests). */
    public boolean handedOut(String token) {
        return liveAccess.contains(token) || expiredAccess.contains(token) || refreshTokens.contains(token);
    }
}
