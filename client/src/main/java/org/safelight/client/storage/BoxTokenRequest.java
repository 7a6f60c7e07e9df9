package org.safelight.client.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Box's authorization-code grant with a PKCE verifier: the SDK's {@code authenticate(code)} sends
 * no verifier, so this one form post is ours; everything after it (refresh, API) is the SDK's.
 */
final class BoxTokenRequest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String tokenUrl;

    BoxTokenRequest(String tokenUrl) {
        this.tokenUrl = tokenUrl;
    }

    StorageTokens exchange(StorageApp app, String code, String verifier, String redirectUri)
            throws StorageException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("code_verifier", verifier);
        form.put("redirect_uri", redirectUri);
        form.put("client_id", app.clientId());
        form.put("client_secret", app.clientSecret() == null ? "" : app.clientSecret());
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE,
                    "Box cannot be reached just now: try again later.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "Connecting Box was interrupted.", e);
        }
        if (answer.statusCode() >= 500) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE,
                    "Box cannot be reached just now: try again later.");
        }
        if (answer.statusCode() != 200) {
            throw new StorageException(StorageException.Kind.REFUSED,
                    "Box did not accept the sign-in: connect again.");
        }
        try {
            JsonNode json = JSON.readTree(answer.body());
            long lifetime = json.path("expires_in").asLong(0);
            String access = json.path("access_token").asText("");
            String refresh = json.path("refresh_token").asText("");
            if (access.isEmpty() || refresh.isEmpty()) {
                throw new IOException("no tokens");
            }
            return new StorageTokens(access, refresh, lifetime == 0 ? 0 : System.currentTimeMillis() + lifetime * 1000);
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE,
                    "Box answered in a way Safelight does not understand: try again later.", e);
        }
    }
}
