package org.safelight.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * An endpoint's institution view ({@code /api/v1/endpoint/reports}) as the signed-in user: the
 * admins of its enterprise see and retry every received report, anyone else their own. The user
 * token goes only to the server signed in to: an endpoint on another origin gets a 5-minute token
 * the accounts role scoped to that origin alone ({@code POST /api/v1/accounts/endpoint-token}).
 * Plain http only to the signed-in server or this computer. Thread-safe.
 */
public final class InstitutionView {
    private final ApiClient api;
    private final Accounts accounts;

    public InstitutionView(ApiClient api, Accounts accounts) {
        this.api = api;
        this.accounts = accounts;
    }

    /** {@code {"scope", "reports": [...], "next"}}, newest first. */
    public JsonNode list(URI endpoint, Optional<Instant> before, int limit) throws IOException {
        String query = "?limit=" + limit + before.map(b -> "&before=" + URLEncoder.encode(b.toString(),
                StandardCharsets.UTF_8)).orElse("");
        Target t = target(endpoint, "/api/v1/endpoint/reports" + query);
        return api.get(t.uri(), t.token());
    }

    public JsonNode show(URI endpoint, String reportId) throws IOException {
        Target t = target(endpoint, "/api/v1/endpoint/reports/" + encode(reportId));
        return api.get(t.uri(), t.token());
    }

    /** {@code {"retried": N, "report": {...}}}. */
    public JsonNode retry(URI endpoint, String reportId) throws IOException {
        Target t = target(endpoint, "/api/v1/endpoint/reports/" + encode(reportId) + "/retry");
        return api.post(t.uri(), t.token(), null);
    }

    private record Target(URI uri, String token) {
    }

    /**
     * The endpoint's route and the token it gets; refuses before anything is sent.
     *
     * @throws IllegalArgumentException when {@code endpoint} is not an http(s) URL, or plain http on
     *                                  another host than the signed-in server's
     */
    private Target target(URI endpoint, String path) throws IOException {
        Credentials signedIn = accounts.current();
        String origin = KeyServerTrust.origin(endpoint == null ? signedIn.server() : endpoint.toString());
        String home = KeyServerTrust.origin(signedIn.server());
        if (!KeyServerTrust.plainHttpAllowed(origin, home)) {
            throw new IllegalArgumentException("the endpoint " + origin + " is plain http on another host, so nothing"
                    + " was sent to it: use its https:// address");
        }
        String token = origin.equals(home) ? signedIn.accessToken()
                : api.post(URI.create(signedIn.server()).resolve("/api/v1/accounts/endpoint-token"),
                        signedIn.accessToken(), ApiClient.object().put("endpoint", origin)).path("token").asText();
        return new Target(URI.create(origin + path), token);
    }

    private static String encode(String reportId) {
        return URLEncoder.encode(reportId, StandardCharsets.UTF_8);
    }
}
