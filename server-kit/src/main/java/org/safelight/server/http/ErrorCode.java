package org.safelight.server.http;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one catalogue of error codes (DESIGN §4): every refusal any role answers carries one of these
 * as its {@code error}, one code per condition, everywhere. Each has the HTTP status it is answered
 * with and a one-line meaning; the OpenAPI schema {@code ErrorCode} ({@code openapi/errors.yaml},
 * merged into every served document) lists exactly these. Clients (the CLI, the SDK, the web page)
 * may rely on the codes; a code is renamed only together with every client that reads it.
 */
public enum ErrorCode {
    // --- the request itself
    BAD_REQUEST("bad_request", 400, "the request is malformed or lacks a field; the message names what"),
    NOT_FOUND("not_found", 404, "no such route or resource"),
    METHOD_NOT_ALLOWED("method_not_allowed", 405, "the route does not take this HTTP method"),
    TOO_LARGE("too_large", 413, "the request body or the uploaded file is larger than this server takes"),
    URI_TOO_LONG("uri_too_long", 414, "the request's address is longer than this server takes"),
    HEADERS_TOO_LARGE("headers_too_large", 431, "the request's headers are larger than this server takes"),
    RANGE_NOT_SATISFIABLE("range_not_satisfiable", 416, "the requested byte range lies outside the file"),
    REQUEST_REFUSED("request_refused", 400, "the HTTP layer refused the request before any route saw it"),
    RATE_LIMITED("rate_limited", 429, "too many requests; wait as long as Retry-After says"),
    INTERNAL_ERROR("internal_error", 500, "the server failed; the failure is logged without details"),

    // --- who is asking
    UNAUTHORIZED("unauthorized", 401, "no credentials were sent where they are needed"),
    INVALID_TOKEN("invalid_token", 401, "the token is not valid here: forged, for another server, or of another kind"),
    TOKEN_EXPIRED("token_expired", 401, "the token has expired; refresh it or sign in again"),
    INVALID_CREDENTIALS("invalid_credentials", 401, "wrong email address or password"),
    INVALID_REFRESH_TOKEN("invalid_refresh_token", 401,
            "the refresh token is unknown, expired or revoked; sign in again"),
    REFRESH_TOKEN_REUSED("refresh_token_reused", 401, "a refresh token was used twice, so the whole sign-in was ended"),
    INVALID_API_KEY("invalid_api_key", 401,
            "the enterprise credential (API key or Key Server Token) is unknown or revoked"),
    EMAIL_UNVERIFIED("email_unverified", 403, "the account's email address is not verified yet"),
    FORBIDDEN("forbidden", 403, "the request is not allowed"),
    NOT_ENTERPRISE_ADMIN("not_enterprise_admin", 403, "only the enterprise's verified administrator may do this"),
    SERVICE_ONLY("service_only", 403, "only another role of this deployment (by its service credential) may do this"),
    ORIGIN_NOT_ALLOWED("origin_not_allowed", 403, "the page's origin is not one this server serves"),

    // --- accounts
    WEAK_PASSWORD("weak_password", 400, "the new password is too short or too common"),
    INVALID_LINK("invalid_link", 400, "the emailed link is not one this server made"),
    LINK_EXPIRED("link_expired", 410, "the emailed link has expired"),
    LINK_USED("link_used", 410, "the emailed link was already used"),
    INVALID_CURSOR("invalid_cursor", 400, "the paging cursor is not one this server gave out"),

    // --- reports and keys
    INVALID_REPORT_ID("invalid_report_id", 400, "the report ID is not a valid report ID"),
    UNKNOWN_REPORT("unknown_report", 404, "this server holds no such report (or no key for it)"),
    REPORT_REVOKED("report_revoked", 410, "the sender revoked the report; its key is given to no one"),
    REPORT_EXPIRED("report_expired", 410, "the report's link has expired and its bytes are deleted"),
    REPORT_OWNED_BY_ANOTHER("report_owned_by_another", 409, "another user already holds this report ID"),
    ACCESS_DENIED("access_denied", 403, "the key server's policy does not give this report's key to this requester"),
    NOT_PERMITTED("not_permitted", 403, "only the report's sender (and for its accesses, its recipients) may do this"),
    TOO_MANY_REPORTS("too_many_reports", 400, "more reports were asked for in one request than allowed"),
    QUOTA_EXCEEDED("quota_exceeded", 403, "the user's stored reports would exceed their quota"),
    NOT_A_SEALED_REPORT("not_a_sealed_report", 400, "a sealed (.picsafe) report is required here and this is not one"),
    REPORT_ID_MISMATCH("report_id_mismatch", 400, "the report ID given differs from the one inside the report"),
    REPORT_ID_REQUIRED("report_id_required", 400, "the report carries no report ID, so the request must give one"),

    // --- the endpoint's intake
    NOT_A_REPORT("not_a_report", 400, "the file is neither a plain report nor a sealed (.picsafe) report"),
    UNSAFE_ZIP("unsafe_zip", 400, "the ZIP breaks the safety rules (paths, sizes, counts, compression ratio)"),
    SENDER_NOT_ALLOWED("sender_not_allowed", 403, "the endpoint does not take reports from this sender"),
    PLAIN_OVER_HTTP("plain_over_http", 403, "an unencrypted report was sent over plain HTTP"),
    REPORT_ID_CONFLICT("report_id_conflict", 409, "another report with this report ID was already received"),

    // --- the endpoint's deliveries that wait for a person (FHIR patient or practitioner)
    NOT_WAITING_FOR_A_PERSON("not_waiting_for_a_person", 409,
            "this delivery is not waiting for a person's answer (it was answered, or never asked)"),
    INVALID_ANSWER("invalid_answer", 400,
            "the answer does not fit the question: pick one of the candidates, or create when that is offered"),

    // --- sending a sealed report on the user's behalf (email, an institution, Box, Dropbox)
    PRO_REQUIRED("pro_required", 403, "this needs PRO (a PRO licence or an enterprise that gives it)"),
    UNKNOWN_DESTINATION("unknown_destination", 404, "no such destination in the user's enterprise"),
    DESTINATION_REFUSED("destination_refused", 502,
            "the destination (mail server, institution, storage service) refused the report; the message says why"),
    DESTINATION_UNAVAILABLE("destination_unavailable", 503,
            "the destination could not be reached just now; nothing was sent, try again"),
    NOT_CONFIGURED("not_configured", 409, "the operator has not set this up on this server"),
    STORAGE_NOT_CONNECTED("storage_not_connected", 409,
            "connect the storage service first (or again: its sign-in was withdrawn or expired)"),

    // --- something this server depends on
    ACCOUNTS_UNAVAILABLE("accounts_unavailable", 503,
            "the accounts server could not be reached or answered in error; try again"),
    STORAGE_UNAVAILABLE("storage_unavailable", 503, "the server could not store or read data just now; try again"),
    AUDIT_UNAVAILABLE("audit_unavailable", 503, "the request could not be logged, so it was refused; try again"),
    SERVER_BUSY("server_busy", 503, "the server is starting, stopping or overloaded; try again");

    private static final Map<String, ErrorCode> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ErrorCode::code, Function.identity()));

    private final String code;
    private final int status;
    private final String meaning;

    ErrorCode(String code, int status, String meaning) {
        this.code = code;
        this.status = status;
        this.meaning = meaning;
    }

    /** The stable string answered as {@code error}. */
    public String code() {
        return code;
    }

    /** The HTTP status this refusal is answered with. */
    public int status() {
        return status;
    }

    /** One line: what the condition is. */
    public String meaning() {
        return meaning;
    }

    /** The catalogue's entry for {@code code}, if it has one. */
    public static Optional<ErrorCode> of(String code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    /**
     * The generic code for an HTTP status set by the HTTP layer itself (Javalin's or Jetty's own
     * refusals), where no route chose a code.
     */
    public static ErrorCode forStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 413 -> TOO_LARGE;
            case 414 -> URI_TOO_LONG;
            case 416 -> RANGE_NOT_SATISFIABLE;
            case 429 -> RATE_LIMITED;
            case 431 -> HEADERS_TOO_LARGE;
            case 503 -> SERVER_BUSY;
            default -> status >= 500 ? INTERNAL_ERROR : REQUEST_REFUSED;
        };
    }

    @Override
    public String toString() {
        return code;
    }
}
