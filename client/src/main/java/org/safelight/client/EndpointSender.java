package org.safelight.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.ReportFileKind;

/**
 * Posts a report to an institution's endpoint as the signed-in user: {@code POST {endpoint}/api/report}
 * with the multipart fields {@code token} and {@code picsafe_file}, the file streamed from disk. The
 * token is an endpoint-scoped one from the signed-in server's exchange, never the user token. A plain
 * (unencrypted) report goes over plain http only when the caller allows it for testing: over a
 * network anyone on the way could read it.
 */
public final class EndpointSender {
    /**
     * The client's own code (not a server's, so not in the error catalogue) for an address whose
     * answer is not an endpoint's.
     */
    public static final String NOT_AN_ENDPOINT = "not_an_endpoint";

    private final ApiClient api;
    private final Accounts accounts;

    public EndpointSender(ApiClient api, Accounts accounts) {
        this.api = api;
        this.accounts = accounts;
    }

    /** What the endpoint answered. */
    public record Sent(String reportId, boolean plain) {
    }

    /** A plain report was not sent to a plain-http endpoint. */
    public static final class PlainOverHttpException extends RuntimeException {
        PlainOverHttpException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Checks, exchanges a token and posts: {@link #check}, {@link #token}, {@link #post}.
     *
     * @param endpoint       the endpoint's URL (scheme, host, port and any path before {@code /api/report})
     * @param allowPlainHttp send an unencrypted report to an http:// endpoint anyway (testing only)
     */
    public Sent send(URI endpoint, Path file, boolean allowPlainHttp) throws IOException {
        boolean plain = check(endpoint, file, allowPlainHttp);
        return new Sent(post(endpoint, token(endpoint), file), plain);
    }

    /**
     * Refuses before anything is sent what must not be sent.
     *
     * @return whether the report is plain (not encrypted)
     * @throws PlainOverHttpException for a plain report to http without the allowance
     * @throws IllegalArgumentException when {@code endpoint} is not an http(s) URL with a host
     * @throws org.safelight.format.FormatException when {@code file} is neither a sealed nor a plain report
     */
    public boolean check(URI endpoint, Path file, boolean allowPlainHttp) throws IOException {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("'" + endpoint + "' is not an http:// or https:// URL");
        }
        ReportFileKind kind = Inspection.of(file).kind();
        if (kind != ReportFileKind.PICSAFE && kind != ReportFileKind.PLAIN_REPORT) {
            throw new org.safelight.format.report.MalformedReportException(
                    "only a report goes to an endpoint: a sealed .picsafe file or a plain report ZIP");
        }
        boolean plain = kind == ReportFileKind.PLAIN_REPORT;
        if (plain && scheme.equals("http") && !allowPlainHttp) {
            throw new PlainOverHttpException("an unencrypted report would cross the network readable to anyone on"
                    + " the way to " + ApiClient.origin(endpoint) + " (plain http), so nothing was sent: use the"
                    + " endpoint's https:// address, or seal the report first");
        }
        return plain;
    }

    /** A five-minute token for this endpoint only, from the signed-in server ({@link Accounts#endpointToken}). */
    public String token(URI endpoint) throws IOException {
        return accounts.endpointToken(accounts.current(), base(endpoint));
    }

    /**
     * Posts the file, streamed, with the endpoint token.
     *
     * @return the report ID the endpoint stored it under
     * @throws RefusedException the endpoint's refusal ({@code {"success": false, "error", "message"}}), or
     *                          {@code not_an_endpoint} for an answer that is not an endpoint's
     */
    public String post(URI endpoint, String endpointToken, Path file) throws IOException {
        String base = base(endpoint);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("token", endpointToken);
        JsonNode answer = api.postMultipart(URI.create(base + "/api/report"), fields, "picsafe_file",
                file.getFileName().toString(), file);
        if (!answer.path("success").asBoolean(false) || answer.path("report_id").asText("").isEmpty()) {
            throw new RefusedException(502, NOT_AN_ENDPOINT, base + "/api/report answered, but not as an endpoint"
                    + " does ({\"success\": true, \"report_id\": ...}), so the report may not be stored: check the URL");
        }
        return answer.path("report_id").asText();
    }

    private static String base(URI endpoint) {
        return endpoint.toString().replaceAll("/+$", "");
    }
}
