package org.safelight.client.storage.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a browser does in the authorization-code flow with PKCE, for tests that have no browser:
 * makes a verifier and a state, builds the authorization URL, follows it to the service (which
 * approves at once) and reads the code from the redirect back.
 */
public final class BrowserSide {
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    public final String verifier = FakeOAuth.random() + FakeOAuth.random();
    public final String state;

    /** With a state of its own (a client that makes it). */
    public BrowserSide() {
        this(FakeOAuth.random());
    }

    /** With the state a server issued. */
    public BrowserSide(String state) {
        this.state = state;
    }

    public String challenge() {
        return FakeOAuth.s256(verifier);
    }

    /** The authorization URL with the standard parameters, the service's own and ours. */
    public String authorizeUrl(String endpoint, String clientId, String redirectUri, Map<String, String> extra) {
        Map<String, String> q = new LinkedHashMap<>(extra);
        q.put("response_type", "code");
        q.put("client_id", clientId);
        q.put("redirect_uri", redirectUri);
        q.put("state", state);
        q.put("code_challenge", challenge());
        q.put("code_challenge_method", "S256");
        return endpoint + "?" + q.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Opens the authorization URL; the code the service sends back (its state checked). */
    public String code(String authorizeUrl) throws IOException, InterruptedException {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(authorizeUrl)).build(),
                HttpResponse.BodyHandlers.discarding());
        String back = r.headers().firstValue("Location").orElseThrow(
                () -> new IllegalStateException("the service did not redirect back: " + r.statusCode()));
        Map<String, String> q = FakeOAuth.form(URI.create(back).getRawQuery());
        if (!state.equals(q.get("state"))) {
            throw new IllegalStateException("the state came back changed");
        }
        return q.get("code");
    }
}
