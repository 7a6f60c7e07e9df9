package org.safelight.endpoint.open;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.report.MalformedReportException;
import org.safelight.server.http.Json;

/**
 * Dynamic-key reports' keys, fetched with the enterprise's Key Server Token (so the key server
 * audits the fetch as the enterprise's) from the key servers the operator trusts, and from no
 * other: a report names its own key server, and its author must not be able to collect the token.
 * Only the origin of a report's {@code keyserver_url} is used. Thread-safe.
 */
public final class KeyServerKeys {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Set<URI> trusted;
    private final String keyServerToken;
    private final HttpClient http;

    /**
     * @param trusted        the key servers the token may go to (any URL; reduced to origins)
     * @param keyServerToken the enterprise's Key Server Token, or null when none is configured
     */
    public KeyServerKeys(List<URI> trusted, String keyServerToken) {
        this.trusted = trusted.stream().map(u -> {
            try {
                return PackageJson.originOf(u.toString());
            } catch (MalformedReportException e) {
                throw new IllegalArgumentException("not a key server URL: " + u);
            }
        }).collect(Collectors.toUnmodifiableSet());
        this.keyServerToken = keyServerToken;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The report key of {@code reportId}, whose package names {@code packageJson}'s key server. */
    public String fetch(PackageJson packageJson, String reportId) throws OpenFailure {
        URI origin;
        try {
            origin = packageJson.keyServerOrigin();
        } catch (MalformedReportException e) {
            throw new OpenFailure("its package.json names no usable key server", false);
        }
        if (!trusted.contains(origin)) {
            throw new OpenFailure("its key server " + origin + " is not one this endpoint trusts"
                    + " (--endpoint-key-servers)", false);
        }
        if (keyServerToken == null || keyServerToken.isBlank()) {
            throw new OpenFailure("no Key Server Token is configured (--endpoint-key-server-token-file)", false);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(origin + "/api/v1/reports/" + reportId + "/key"))
                .timeout(TIMEOUT).header("Authorization", "Bearer " + keyServerToken)
                .header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new OpenFailure("the key server " + origin + " cannot be reached (" + e.getClass().getSimpleName()
                    + "); retried later", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenFailure("stopped while asking the key server", true);
        }
        int status = response.statusCode();
        String code = code(response.body());
        if (status == 200) {
            String key = key(response.body());
            if (key == null) {
                throw new OpenFailure("the key server " + origin + " answered without a key; retried later", true);
            }
            return key;
        }
        String answer = "the key server " + origin + " answered " + status + (code.isEmpty() ? "" : " " + code);
        if (status == 429 || status >= 500) {
            throw new OpenFailure(answer + "; retried later", true);
        }
        if (status == 401) {
            // The operator's token was refused (expired, revoked): retried, so a new token picks the report up.
            throw new OpenFailure(answer + ": check the Key Server Token; retried later", true);
        }
        throw new OpenFailure(answer, false);
    }

    private static String key(byte[] body) {
        try {
            JsonNode key = Json.MAPPER.readTree(body).path("key");
            return key.isTextual() && !key.asText().isEmpty() ? key.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String code(byte[] body) {
        try {
            JsonNode error = Json.MAPPER.readTree(body).path("error");
            return error.isTextual() ? error.asText().replaceAll("[^a-z_]", "") : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
