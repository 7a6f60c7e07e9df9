package org.safelight.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * A small HTTP client for tests of a server's JSON API at {@code base}: a request is a method, a
 * path, an optional JSON body and an optional bearer token; the answer is returned whatever its
 * status, for the test to judge. Thread-safe.
 */
public final class JsonClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http;

    public JsonClient(URI base) {
        this(base, HttpClient.newHttpClient());
    }

    public JsonClient(URI base, HttpClient http) {
        String s = base.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.http = http;
    }

    public String base() {
        return base;
    }

    public HttpClient http() {
        return http;
    }

    public HttpResponse<String> get(String path) {
        return get(path, null);
    }

    public HttpResponse<String> get(String path, String bearer) {
        return send("GET", path, null, bearer, Map.of());
    }

    public HttpResponse<String> post(String path, String json) {
        return post(path, json, null);
    }

    public HttpResponse<String> post(String path, String json, String bearer) {
        return send("POST", path, json, bearer, Map.of());
    }

    public HttpResponse<String> patch(String path, String json, String bearer) {
        return send("PATCH", path, json, bearer, Map.of());
    }

    public HttpResponse<String> delete(String path, String bearer) {
        return send("DELETE", path, null, bearer, Map.of());
    }

    /**
     * Any request to {@code base + path} (or to {@code path} itself when it is an absolute URL);
     * {@code json} null sends no body.
     */
    public HttpResponse<String> send(String method, String path, String json, String bearer,
                                     Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(b::header);
        return send(b);
    }

    /** Sends a request built by the test (a form, a raw body), answered as text. */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create(path.startsWith("http://") || path.startsWith("https://") ? path : base + path);
    }

    /** The answer's body as JSON; fails the test with the body when it is not JSON. */
    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
