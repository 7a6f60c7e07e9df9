package org.safelight.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;

/**
 * The accounts role as the CLI uses it: sign-up, sign-in, refresh, sign-out, profile; and a valid
 * access token for the other roles, refreshed (and the rotated pair saved) when it is about to expire.
 */
public final class Accounts {
    private final ApiClient api;
    private final Map<String, String> env;
    private final Clock clock;

    public Accounts(ApiClient api, Map<String, String> env, Clock clock) {
        this.api = api;
        this.env = env;
        this.clock = clock;
    }

    public JsonNode signup(URI server, ObjectNode profile) throws IOException {
        return api.post(server.resolve("/api/v1/accounts/signup"), null, profile);
    }

    /** Asks for a new confirmation link; the server answers alike whether or not such an account exists. */
    public void resendVerification(URI server, String email) throws IOException {
        api.post(server.resolve("/api/v1/accounts/verify/resend"), null, ApiClient.object().put("email", email));
    }

    /** Asks for a link to choose a new password; the server answers alike whether or not the account exists. */
    public void requestPasswordReset(URI server, String email) throws IOException {
        api.post(server.resolve("/api/v1/accounts/password-reset"), null, ApiClient.object().put("email", email));
    }

    public Credentials signin(URI server, String email, String password) throws IOException {
        JsonNode r = api.post(server.resolve("/api/v1/accounts/signin"), null,
                ApiClient.object().put("email", email).put("password", password));
        Credentials c = fromTokens(server.toString(), email, r);
        c.save(env);
        return c;
    }

    public boolean signout() throws IOException {
        var saved = Credentials.load(env);
        if (saved.isEmpty()) {
            return false;
        }
        try {
            api.post(URI.create(saved.get().server()).resolve("/api/v1/accounts/signout"), null,
                    ApiClient.object().put("refresh_token", saved.get().refreshToken()));
        } catch (RefusedException | IOException e) {
            // Signing out locally must work even when the server is gone or already forgot the token.
        }
        return Credentials.delete(env);
    }

    public JsonNode me() throws IOException {
        Credentials c = current();
        return api.get(URI.create(c.server()).resolve("/api/v1/accounts/me"), c.accessToken());
    }

    /**
     * Records on the signed-in server that the user sent a report (for My reports): channel
     * {@code cloud | sms | whatsapp | ...} and the recipient when known (null otherwise).
     */
    public void recordSend(String reportId, String channel, String recipient) throws IOException {
        Credentials c = current();
        ObjectNode body = ApiClient.object().put("channel", channel);
        if (recipient != null) {
            body.put("recipient", recipient);
        }
        api.post(URI.create(c.server()).resolve("/api/v1/accounts/me/reports/"
                + java.net.URLEncoder.encode(reportId, java.nio.charset.StandardCharsets.UTF_8) + "/sends"),
                c.accessToken(), body);
    }

    /** A signed-in user's valid access token, refreshed when it expires within a minute. */
    public Credentials current() throws IOException {
        Credentials c = Credentials.load(env).orElseThrow(() ->
                new NotSignedInException("not signed in: run 'safelight login --server URL --email E' first"));
        if (c.accessExpiresAt().isAfter(clock.instant().plusSeconds(60))) {
            return c;
        }
        JsonNode r;
        try {
            r = api.post(URI.create(c.server()).resolve("/api/v1/accounts/refresh"), null,
                    ApiClient.object().put("refresh_token", c.refreshToken()));
        } catch (RefusedException e) {
            throw new RefusedException(e.status(), e.code(), "the sign-in has ended (" + e.getMessage()
                    + "): run 'safelight login --server " + c.server() + " --email " + c.email() + "'");
        }
        Credentials fresh = fromTokens(c.server(), c.email(), r);
        fresh.save(env);
        return fresh;
    }

    /**
     * A short-lived token that only the key server at {@code keyServerOrigin} accepts, from the
     * signed-in server's token exchange. Only the signed-in server sees the user token here.
     */
    public String keyServerToken(String keyServerOrigin) throws IOException {
        return keyServerToken(current(), keyServerOrigin);
    }

    /** {@link #keyServerToken(String)} with a sign-in the caller already holds ({@link #current()}). */
    public String keyServerToken(Credentials c, String keyServerOrigin) throws IOException {
        return api.post(URI.create(c.server()).resolve("/api/v1/accounts/key-server-token"), c.accessToken(),
                ApiClient.object().put("key_server", keyServerOrigin)).path("access_token").asText();
    }

    /**
     * A five-minute token that only the endpoint at {@code endpointUrl} accepts (type {@code
     * endpoint+jwt}, audience the endpoint's origin), from the signed-in server's token exchange: the
     * user token itself never goes to an institution's server.
     */
    public String endpointToken(Credentials c, String endpointUrl) throws IOException {
        String token = api.post(URI.create(c.server()).resolve("/api/v1/accounts/endpoint-token"), c.accessToken(),
                ApiClient.object().put("endpoint", endpointUrl)).path("token").asText("");
        if (token.isEmpty()) {
            throw new RefusedException(502, "no_endpoint_token", c.server() + " gave no token for " + endpointUrl
                    + "; it may be from before endpoint tokens");
        }
        return token;
    }

    private Credentials fromTokens(String server, String email, JsonNode r) {
        return new Credentials(server, email, r.path("access_token").asText(),
                clock.instant().plusSeconds(r.path("expires_in").asLong(0)), r.path("refresh_token").asText());
    }
}
