package org.safelight.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * JSON over HTTP to Safelight servers. A refusal ({@code {"error", "message"}} with a 4xx/5xx)
 * becomes a {@link RefusedException}; an unreachable server an {@link IOException} naming it.
 * Thread-safe.
 */
public final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    /** How long a download may go without receiving a byte before it is given up. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    /** The largest JSON answer read by default: far more than any Safelight answer. */
    static final int MAX_ANSWER_BYTES = 16 << 20;
    /** How long an answer's body may take after its headers, at most, however it trickles. */
    static final Duration ANSWER_TIME = Duration.ofSeconds(60);
    private final HttpClient http;
    private final Duration stallTimeout;
    private final int maxAnswerBytes;

    public ApiClient(HttpClient http) {
        this(http, STALL_TIMEOUT);
    }

    ApiClient(HttpClient http, Duration stallTimeout) {
        this(http, stallTimeout, MAX_ANSWER_BYTES);
    }

    private ApiClient(HttpClient http, Duration stallTimeout, int maxAnswerBytes) {
        this.http = http;
        this.stallTimeout = stallTimeout;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    /**
     * The same client, giving up on a JSON answer longer than {@code bytes} (a server posting to
     * addresses others chose reads their answers through a small window, so none can fill its memory).
     */
    public ApiClient withAnswerLimit(int bytes) {
        return new ApiClient(http, stallTimeout, bytes);
    }

    public static ApiClient create() {
        return new ApiClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public JsonNode get(URI uri, String bearer) throws IOException {
        return send(request(uri, bearer).GET().build());
    }

    public JsonNode post(URI uri, String bearer, JsonNode body) throws IOException {
        return send(request(uri, bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString())).build());
    }

    /**
     * POSTs a file as {@code application/octet-stream}, streamed from disk (never held in memory),
     * and reads the JSON answer. The timeout covers the whole upload, so it grows with the size.
     */
    public JsonNode postFile(URI uri, String bearer, Path file) throws IOException {
        long size = Files.size(file);
        Duration timeout = Duration.ofSeconds(60 + size / (1024 * 1024));
        return send(request(uri, bearer).timeout(timeout).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(),
                "; a server refuses an upload it will not take (too large, over your quota or hourly uploads,"
                        + " a sign-in it no longer accepts) by closing the connection: try 'safelight whoami'");
    }

    /**
     * POSTs {@code multipart/form-data}: the text {@code fields}, then {@code file} as the part
     * {@code fileField} named {@code fileName}, streamed from disk (never held in memory, so files of
     * several GB pass), and reads the JSON answer. No bearer header: the form carries what it needs.
     * An answer {@code {"success": false, "error", "message"}} is a refusal even with a 2xx status.
     */
    public JsonNode postMultipart(URI uri, Map<String, String> fields, String fileField, String fileName, Path file)
            throws IOException {
        String boundary = "safelight-" + java.util.UUID.randomUUID();
        StringBuilder head = new StringBuilder();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            head.append("--").append(boundary).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(f.getKey()).append("\"\r\n\r\n")
                    .append(f.getValue()).append("\r\n");
        }
        head.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(fileField).append("\"; filename=\"")
                .append(fileName.replaceAll("[\"\\r\\n\\\\]", "_")).append("\"\r\n")
                .append("Content-Type: application/octet-stream\r\n\r\n");
        String tail = "\r\n--" + boundary + "--\r\n";
        long size = Files.size(file);
        Duration timeout = Duration.ofSeconds(60 + size / (1024 * 1024));
        JsonNode answer = send(request(uri, null).timeout(timeout)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString(head.toString(), StandardCharsets.UTF_8),
                        HttpRequest.BodyPublishers.ofFile(file),
                        HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.UTF_8))).build(),
                "; a server refuses an upload it will not take (too large, a token it does not accept) by"
                        + " closing the connection");
        if (answer.path("success").isBoolean() && !answer.path("success").asBoolean()) {
            throw refusal(200, answer);
        }
        return answer;
    }

    /**
     * GETs {@code uri} into {@code target} (created or replaced), streamed; a refusal is read as
     * JSON and thrown, and {@code target} is then left empty for the caller to delete. The answer
     * must start within 30 s, and a download that receives nothing for {@link #STALL_TIMEOUT} is
     * given up with an {@link IOException}, so {@code sync --watch} never hangs on a dead server.
     *
     * @return the number of bytes written
     */
    public long download(URI uri, String bearer, Path target) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/octet-stream").header("Authorization", "Bearer " + bearer).GET()
                .build();
        ByteArrayOutputStream refusal = new ByteArrayOutputStream();
        try (OutputStream out = Files.newOutputStream(target)) {
            HttpResponse<Long> response = http.send(request, info -> info.statusCode() == 200
                    ? new WatchedBody(out, Long.MAX_VALUE, stallTimeout)
                    : new WatchedBody(refusal, 64 * 1024, stallTimeout));
            if (response.statusCode() != 200) {
                throw refusal(response.statusCode(), parse(refusal.toString(StandardCharsets.UTF_8)));
            }
            return response.body();
        } catch (ConnectException e) {
            throw new IOException("cannot connect to " + origin(uri) + " (is the server running?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public JsonNode delete(URI uri, String bearer) throws IOException {
        return send(request(uri, bearer).DELETE().build());
    }

    private static HttpRequest.Builder request(URI uri, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private JsonNode send(HttpRequest request) throws IOException {
        return send(request, "");
    }

    private JsonNode send(HttpRequest request, String hintWhenCutOff) throws IOException {
        HttpResponse<Long> response;
        java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
        try {
            response = exchange(request, answer);
        } catch (ConnectException e) {
            throw new IOException("cannot connect to " + origin(request.uri()) + " (is the server running?)", e);
        } catch (HttpTimeoutException e) {
            throw new IOException(origin(request.uri()) + " did not answer in time", e);
        } catch (javax.net.ssl.SSLException e) {
            throw new IOException("no secure connection to " + origin(request.uri()) + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException("the connection to " + origin(request.uri()) + " broke before it answered ("
                    + e.getMessage() + ")" + hintWhenCutOff, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (answer.size() > maxAnswerBytes) {
            throw new IOException(origin(request.uri()) + " answered with more than " + maxAnswerBytes
                    + " bytes, more than an answer of this API; it was not read");
        }
        JsonNode body = parse(answer.toString(StandardCharsets.UTF_8));
        if (response.statusCode() >= 400) {
            throw refusal(response.statusCode(), body);
        }
        return body;
    }

    /**
     * Sends and reads the answer into {@code answer}, cut one byte past the limit, the whole within
     * the request's timeout plus {@link #ANSWER_TIME} (a body that trickles is given up).
     */
    private HttpResponse<Long> exchange(HttpRequest request, OutputStream answer)
            throws IOException, InterruptedException {
        java.util.concurrent.CompletableFuture<HttpResponse<Long>> pending = http.sendAsync(request,
                info -> new WatchedBody(answer, maxAnswerBytes + 1L, stallTimeout));
        long millis = request.timeout().orElse(Duration.ofSeconds(30)).plus(ANSWER_TIME).toMillis();
        try {
            return pending.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        } catch (java.util.concurrent.TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("the answer did not end in time");
        }
    }

    private static RefusedException refusal(int status, JsonNode body) {
        String code = body.path("error").asText("http_" + status);
        String message = body.path("message").asText("the server answered " + status);
        return new RefusedException(status, code, message);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
