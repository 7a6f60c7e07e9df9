package org.safelight.server.enterprise;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.safelight.server.http.Json;

/**
 * Asks the accounts role at {@code accountsUrl} ({@code GET /api/v1/enterprise/credential}) which
 * enterprise a credential belongs to, for roles that run in another process. Answers, positive and
 * negative, are remembered for {@code ttl} (so a revocation takes at most that long to show here),
 * keyed by the SHA-256 of the secret, never the secret itself. A network error, a timeout, a 429 or
 * a 5xx throws {@link EnterpriseAuthorityUnavailableException} and is not remembered. Thread-safe.
 */
public final class HttpEnterpriseAuthority implements EnterpriseAuthority {
    /** The default time an answer is trusted. */
    public static final Duration TTL = Duration.ofSeconds(30);
    private static final int MAX_CACHED = 10_000;

    private record Answer(Optional<String> enterprise, Instant until) {
    }

    private final URI endpoint;
    private final HttpClient client;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Answer> cache = new ConcurrentHashMap<>();

    public HttpEnterpriseAuthority(URI accountsUrl, HttpClient client, Clock clock, Duration ttl) {
        this.endpoint = accountsUrl.resolve("/api/v1/enterprise/credential");
        this.client = client;
        this.clock = clock;
        this.ttl = ttl;
    }

    public HttpEnterpriseAuthority(URI accountsUrl, HttpClient client, Clock clock) {
        this(accountsUrl, client, clock, TTL);
    }

    @Override
    public Optional<String> enterpriseOf(Credential kind, String secret) {
        if (!kind.looksLike(secret) || secret.length() > 200 || !secret.chars().allMatch(c -> c > 32 && c < 127)) {
            return Optional.empty();
        }
        String cacheKey = kind.name() + ":" + sha256(secret);
        Instant now = clock.instant();
        Answer known = cache.get(cacheKey);
        if (known != null && now.isBefore(known.until())) {
            return known.enterprise();
        }
        Optional<String> enterprise = ask(kind, secret);
        if (cache.size() >= MAX_CACHED) {
            cache.values().removeIf(a -> !now.isBefore(a.until()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(cacheKey, new Answer(enterprise, now.plus(ttl)));
        return enterprise;
    }

    private Optional<String> ask(Credential kind, String secret) {
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + secret).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new EnterpriseAuthorityUnavailableException("the accounts role at " + origin() + " cannot be reached",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnterpriseAuthorityUnavailableException("interrupted", e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            return Optional.empty();
        }
        if (status != 200) {
            throw new EnterpriseAuthorityUnavailableException("the accounts role at " + origin() + " answered "
                    + status, null);
        }
        try {
            JsonNode body = Json.MAPPER.readTree(response.body());
            String expectedKind = kind == Credential.API_KEY ? "api_key" : "key_server_token";
            String id = body.path("enterprise_id").asText("");
            if (!expectedKind.equals(body.path("kind").asText()) || id.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(id);
        } catch (IOException e) {
            throw new EnterpriseAuthorityUnavailableException("the accounts role at " + origin()
                    + " answered something that is not JSON", e);
        }
    }

    private String origin() {
        return endpoint.getScheme() + "://" + endpoint.getAuthority();
    }

    private static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
