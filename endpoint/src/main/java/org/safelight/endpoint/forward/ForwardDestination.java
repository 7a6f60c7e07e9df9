package org.safelight.endpoint.forward;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.endpoint.delivery.Destination;
import org.safelight.endpoint.delivery.FolderDestination;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.delivery.Sending;
import org.safelight.server.http.Json;

/**
 * Forwards each opened report to the institution's own middleware: one {@code POST} of a
 * {@code multipart/form-data} body with a part {@code report_json} ({@code report.json}, as in the
 * folder drop) and one part per file of the report, named by the file's name, streamed from the
 * decrypted files with an exact {@code Content-Length}. Headers: {@code Safelight-Report-Id} (the
 * receiver drops a report it already holds: a retry after a lost answer sends it again) and
 * {@code Safelight-Signature} ({@link ForwardSignature}).
 *
 * <p>Any 2xx is delivered. 408, 429, 5xx, a refused connection, a timeout or a broken connection
 * are retried by the pipeline; any other answer (4xx, 3xx: redirects are not followed) parks the
 * delivery at once with the status in its message, since sending the same request again cannot
 * help. Thread-safe: the pipeline may deliver several reports at once.
 */
public final class ForwardDestination implements Destination {
    public static final String NAME = "forward";
    /** Slowest upload rate allowed before a request times out: the timeout grows with the body. */
    private static final long MIN_BYTES_PER_SECOND = 1_000_000;

    private final URI url;
    private final byte[] secret;
    private final Clock clock;
    private final HttpClient http;
    private final Duration answerTimeout;

    /**
     * @param answerTimeout how long the middleware may take to answer once the body is sent (the
     *                      timeout of a request is this plus one second per MB of its body)
     */
    public ForwardDestination(URI url, byte[] secret, Clock clock, Duration connectTimeout, Duration answerTimeout) {
        this.url = url;
        this.secret = secret.clone();
        this.clock = clock;
        this.answerTimeout = answerTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * The forward of {@code --endpoint-forward-url} and {@code --endpoint-forward-secret-file}, with
     * a 10 s connection and a 60 s answer timeout.
     *
     * @param allowPlainHttp {@code --endpoint-allow-plain-http}: without it an {@code http://} URL is
     *                       refused unless its host is this machine (decrypted reports cross it)
     * @throws IllegalArgumentException naming what is wrong with the URL or the secret file
     */
    public static ForwardDestination create(URI url, Path secretFile, boolean allowPlainHttp, Clock clock) {
        return new ForwardDestination(checked(url, allowPlainHttp), readSecret(secretFile), clock,
                Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    static URI checked(URI url, boolean allowPlainHttp) {
        String scheme = url.getScheme() == null ? "" : url.getScheme();
        if (url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("--endpoint-forward-url must be an https:// URL");
        }
        boolean local = url.getHost().equals("localhost") || url.getHost().equals("127.0.0.1")
                || url.getHost().equals("[::1]");
        if (scheme.equals("http") && !local && !allowPlainHttp) {
            throw new IllegalArgumentException("--endpoint-forward-url is plain http:// to another machine: decrypted "
                    + "reports would cross the network in the clear; use https:// (or --endpoint-allow-plain-http for testing)");
        }
        return url;
    }

    /** The secret file's text, without surrounding white space; at least 16 characters. */
    static byte[] readSecret(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("--endpoint-forward-secret-file cannot be read: " + file, e);
        }
        if (text.length() < 16) {
            throw new IllegalArgumentException("--endpoint-forward-secret-file must hold a secret of at least 16 "
                    + "characters (for example: openssl rand -hex 32)");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void deliver(OpenedReport report) throws DeliveryException {
        MultipartBody body;
        String sha256;
        try {
            body = body(report);
            sha256 = body.sha256Hex();
        } catch (IOException e) {
            throw new DeliveryException("the report's files could not be read (" + e.getClass().getSimpleName() + ")",
                    false, e);
        }
        long length = body.length();
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(answerTimeout.plusSeconds(length / MIN_BYTES_PER_SECOND))
                .header("Content-Type", body.contentType())
                .header(ForwardSignature.HEADER, ForwardSignature.sign(secret, clock.instant(), sha256))
                .header(ForwardSignature.REPORT_ID_HEADER, report.reportId())
                .header("User-Agent", "Safelight-Endpoint")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body::open), length))
                .build();
        int status = Sending.send(http, request, HttpResponse.BodyHandlers.discarding(), "the forward URL").statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        boolean retry = status >= 500 || status == 408 || status == 429;
        throw new DeliveryException("the forward URL answered HTTP " + status
                + (retry ? "" : "; the same request would be refused again"), !retry);
    }

    private static MultipartBody body(OpenedReport report) throws IOException {
        MultipartBody body = new MultipartBody().add("report_json", "report.json", "application/json",
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(FolderDestination.reportJson(report)));
        Map<String, String> files = new TreeMap<>(report.fileHashes());
        for (String name : files.keySet()) {
            Path file = report.contents().resolve(name).normalize();
            if (!file.startsWith(report.contents())) {
                throw new IOException("a file name leaves the report's folder");
            }
            body.add(name, name, file);
        }
        return body;
    }
}
