package org.safelight.server.enterprise;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.safelight.server.http.Json;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.tokens.UserToken;

/**
 * Asks the accounts role at {@code accountsUrl} whether a user administers an enterprise, for a
 * role that runs in another process: {@code GET /api/v1/enterprise/admin?enterprise_id=E&user_id=U}
 * with the deployment's {@link ServiceCredential} (never the user's token, which may be scoped to
 * this role alone). Answers are remembered for {@code ttl} by enterprise and user id, so a change of
 * admin takes at most that long to show here. A network error, a timeout or an answer other than
 * 200 throws {@link EnterpriseAuthorityUnavailableException} and is not remembered. Thread-safe.
 */
public final class HttpEnterpriseAdmins implements EnterpriseAdmins {
    /** The path the accounts role answers on. */
    public static final String PATH = "/api/v1/enterprise/admin";
    private static final int MAX_CACHED = 10_000;

    private record Answer(boolean admin, Instant until) {
    }

    private final URI accountsUrl;
    private final ServiceCredential credential;
    private final HttpClient client;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Answer> cache = new ConcurrentHashMap<>();

    public HttpEnterpriseAdmins(URI accountsUrl, ServiceCredential credential, HttpClient client, Clock clock,
                                Duration ttl) {
        if (!credential.configured()) {
            throw new IllegalArgumentException("asking the accounts role about admins needs the service credential");
        }
        this.accountsUrl = accountsUrl;
        this.credential = credential;
        this.client = client;
        this.clock = clock;
        this.ttl = ttl;
    }

    public HttpEnterpriseAdmins(URI accountsUrl, ServiceCredential credential, HttpClient client, Clock clock) {
        this(accountsUrl, credential, client, clock, HttpEnterpriseAuthority.TTL);
    }

    @Override
    public boolean administers(String enterpriseId, UserToken user) {
        if (enterpriseId == null || enterpriseId.isEmpty() || !user.emailVerified()) {
            return false;
        }
        String key = enterpriseId + "\n" + user.userId();
        Instant now = clock.instant();
        Answer known = cache.get(key);
        if (known != null && now.isBefore(known.until())) {
            return known.admin();
        }
        boolean admin = ask(enterpriseId, user.userId());
        if (cache.size() >= MAX_CACHED) {
            cache.values().removeIf(a -> !now.isBefore(a.until()));
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(key, new Answer(admin, now.plus(ttl)));
        return admin;
    }

    private boolean ask(String enterpriseId, String userId) {
        URI uri = accountsUrl.resolve(PATH + "?enterprise_id=" + URLEncoder.encode(enterpriseId, StandardCharsets.UTF_8)
                + "&user_id=" + URLEncoder.encode(userId, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header(ServiceCredential.HEADER, credential.secret()).header("Accept", "application/json")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new EnterpriseAuthorityUnavailableException("the accounts role at " + origin() + " cannot be reached",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnterpriseAuthorityUnavailableException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            throw new EnterpriseAuthorityUnavailableException("the accounts role at " + origin() + " answered "
                    + response.statusCode() + " to an admin check", null);
        }
        try {
            JsonNode body = Json.MAPPER.readTree(response.body());
            return body.path("admin").asBoolean(false);
        } catch (IOException e) {
            throw new EnterpriseAuthorityUnavailableException("the accounts role at " + origin()
                    + " answered something that is not JSON", e);
        }
    }

    private String origin() {
        return accountsUrl.getScheme() + "://" + accountsUrl.getAuthority();
    }
}
