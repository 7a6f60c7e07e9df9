package org.safelight.server.tokens;

import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.function.Supplier;

/** Fetches {@code {accounts-url}/.well-known/jwks.json}. */
public final class HttpJwks implements Supplier<JWKSet> {
    private final URI uri;
    private final HttpClient client;

    public HttpJwks(URI accountsUrl, HttpClient client) {
        this.uri = accountsUrl.resolve("/.well-known/jwks.json");
        this.client = client;
    }

    @Override
    public JWKSet get() {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("JWKS answered " + response.statusCode());
            }
            return JWKSet.parse(response.body());
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("JWKS fetch failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
