package org.safelight.endpoint.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.safelight.endpoint.store.ReceivedReports;
import org.safelight.endpoint.store.ReceivedReports.ReceivedReport;
import org.safelight.server.enterprise.EnterpriseAdmins;
import org.safelight.server.enterprise.EnterpriseAuthorityUnavailableException;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.Cors;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.http.Refusal;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The institution's view of its endpoint (DESIGN §6: its admin sees received reports, not the
 * public), on {@link ReceivedReports}:
 *
 * <pre>
 * GET  /api/v1/endpoint/reports?before=ISO&amp;limit=N  newest first: every report for the admins of
 *                                  the endpoint's enterprise ("scope": "all"), one's own (by the
 *                                  confirmed address of the token) for anyone else ("scope": "own")
 *                                  → {"scope", "reports": [REPORT], "next": ISO | null}
 * GET  /api/v1/endpoint/reports/{id}        → REPORT; 404 when unknown or not one's own
 * POST /api/v1/endpoint/reports/{id}/retry  admins: parked steps due now → {"retried": N, "report": REPORT};
 *                                  403 not_enterprise_admin for anyone else, 404 unknown_report
 *                                  (a delivery waiting for a person keeps waiting)
 * POST /api/v1/endpoint/reports/{id}/deliveries/{destination}/answer
 *                                  admins: answers the question a {@code needs_person} delivery waits on,
 *                                  with one of {"patient": "Patient/ID"}, {"create_patient": true},
 *                                  {"practitioner": "Practitioner/ID", "remember": bool}; the delivery is
 *                                  due now → {"report": REPORT}; 409 not_waiting_for_a_person,
 *                                  400 invalid_answer, 403 not_enterprise_admin, 404 unknown_report
 * all                              401 (no or bad user token), 403 email_unverified,
 *                                  503 accounts_unavailable (admin status could not be read)
 * </pre>
 *
 * Admin status is read at each request from the accounts' current state ({@link EnterpriseAdmins}),
 * so an admin replaced by the operator loses the view at once (in process) or within 30 s.
 * Someone else's report answers exactly as an unknown one, so nobody learns which report IDs the
 * endpoint holds. A sender sees their reports' states and each destination's status, but not the
 * destinations' error texts, which describe the institution's systems. Web origins in
 * {@code trustedOrigins} may call these routes from a browser (CORS). Thread-safe.
 */
public final class InstitutionApi {
    public static final String REPORTS = "/api/v1/endpoint/reports";
    public static final String REPORT = REPORTS + "/{reportId}";
    public static final String RETRY = REPORT + "/retry";
    public static final String ANSWER = REPORT + "/deliveries/{destination}/answer";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    private static final Logger LOG = LoggerFactory.getLogger(InstitutionApi.class);

    private final ReceivedReports reports;
    private final TokenVerifier tokens;
    private final EnterpriseAdmins admins;
    private final Optional<String> enterpriseId;
    private final Cors cors;

    /**
     * @param tokens         user tokens of the accounts role ({@code TokenAudience.users})
     * @param admins         who administers which enterprise, as accounts knows it now
     * @param enterpriseId   the enterprise whose admins see every report ({@code --endpoint-enterprise});
     *                       empty: nobody does, everyone sees their own
     * @param trustedOrigins web origins allowed to call these routes from a browser
     */
    public InstitutionApi(ReceivedReports reports, TokenVerifier tokens, EnterpriseAdmins admins,
                          Optional<String> enterpriseId, List<String> trustedOrigins) {
        this.reports = reports;
        this.tokens = tokens;
        this.admins = admins;
        this.enterpriseId = enterpriseId.filter(id -> !id.isBlank());
        this.cors = new Cors(trustedOrigins);
    }

    /**
     * The tokens these routes take: the accounts role's user tokens (My Safelight and the CLI on the
     * accounts' own origin) or tokens the accounts role scoped to this endpoint's origin
     * ({@code endpoint+jwt}, what a page or CLI signed in elsewhere sends, so that their user token
     * never leaves the accounts server). A token that neither accepts gets the first one's refusal,
     * unless the second one found it merely expired.
     */
    public static TokenVerifier userOrEndpointTokens(TokenVerifier users, TokenVerifier endpointScoped) {
        return jws -> {
            try {
                return users.verify(jws);
            } catch (Refusal asUser) {
                try {
                    return endpointScoped.verify(jws);
                } catch (Refusal asEndpoint) {
                    throw asEndpoint.errorCode() == ErrorCode.TOKEN_EXPIRED ? asEndpoint : asUser;
                }
            }
        };
    }

    public void routes(JavalinDefaultRoutingApi r) {
        for (String path : List.of(REPORTS, REPORT, RETRY, ANSWER)) {
            r.before(path, cors::decorate);
            r.options(path, cors::preflight);
        }
        r.get(REPORTS, this::list);
        r.get(REPORT, this::show);
        r.post(RETRY, this::retry);
        r.post(ANSWER, this::answer);
    }

    /** Who asks, and whether they see everything. */
    private record Caller(UserToken user, boolean admin) {
        Optional<String> ownEmail() {
            return admin ? Optional.empty() : Optional.of(user.email().toLowerCase(Locale.ROOT));
        }
    }

    private void list(Context ctx) {
        Caller caller = caller(ctx);
        int limit = limit(ctx.queryParam("limit"));
        Optional<Instant> before = before(ctx.queryParam("before"));
        List<ReceivedReport> page = reports.list(caller.ownEmail(), before, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scope", caller.admin() ? "all" : "own");
        out.put("reports", page.stream().map(r -> ReportJson.of(r, caller.admin())).toList());
        out.put("next", page.size() == limit ? page.get(page.size() - 1).receivedAt().toString() : null);
        ctx.header("Cache-Control", "no-store").json(out);
    }

    private void show(Context ctx) {
        Caller caller = caller(ctx);
        ReceivedReport report = visible(caller, ctx.pathParam("reportId"));
        ctx.header("Cache-Control", "no-store").json(ReportJson.of(report, caller.admin()));
    }

    private void retry(Context ctx) {
        Caller caller = caller(ctx);
        if (!caller.admin()) {
            throw new ApiException(ErrorCode.NOT_ENTERPRISE_ADMIN,
                    "only the admins of the institution's enterprise can retry its deliveries");
        }
        String id = ctx.pathParam("reportId");
        visible(caller, id);
        int retried = reports.retry(id);
        LOG.info("an admin made {} parked step(s) of a report due again", retried);
        ReceivedReport after = reports.find(id).orElseThrow(InstitutionApi::unknown);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("retried", retried);
        out.put("report", ReportJson.of(after, true));
        ctx.header("Cache-Control", "no-store").json(out);
    }

    private void answer(Context ctx) {
        Caller caller = caller(ctx);
        if (!caller.admin()) {
            throw new ApiException(ErrorCode.NOT_ENTERPRISE_ADMIN,
                    "only the admins of the institution's enterprise can answer for its deliveries");
        }
        String id = ctx.pathParam("reportId");
        visible(caller, id);
        String destination = ctx.pathParam("destination");
        ReceivedReports.AnswerResult result = reports.answer(id, destination, personAnswer(ctx.body()),
                caller.user().email());
        switch (result.outcome()) {
            case UNKNOWN_DELIVERY -> throw new ApiException(ErrorCode.UNKNOWN_REPORT,
                    "this report has no delivery to that destination");
            case NOT_WAITING -> throw new ApiException(ErrorCode.NOT_WAITING_FOR_A_PERSON, result.why());
            case INVALID -> throw new ApiException(ErrorCode.INVALID_ANSWER, result.why());
            case ANSWERED -> LOG.info("an admin answered what a delivery of a report waited on");
        }
        ReceivedReport after = reports.find(id).orElseThrow(InstitutionApi::unknown);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("report", ReportJson.of(after, true));
        ctx.header("Cache-Control", "no-store").json(out);
    }

    /** The answer's JSON: exactly one of patient, create_patient, practitioner (with remember). */
    static ReceivedReports.PersonAnswer personAnswer(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            throw new ApiException(ErrorCode.INVALID_ANSWER, "the answer is a JSON object such as"
                    + " {\"patient\": \"Patient/123\"}, {\"create_patient\": true} or {\"practitioner\": \"Practitioner/7\"}");
        }
        for (java.util.Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("patient", "create_patient", "practitioner", "remember").contains(name)) {
                throw new ApiException(ErrorCode.INVALID_ANSWER, "an answer has no field " + clip(name));
            }
        }
        JsonNode patient = root.path("patient");
        JsonNode create = root.path("create_patient");
        JsonNode practitioner = root.path("practitioner");
        JsonNode remember = root.path("remember");
        if (!patient.isMissingNode() && !patient.isTextual() || !practitioner.isMissingNode() && !practitioner.isTextual()
                || !create.isMissingNode() && !create.isBoolean() || !remember.isMissingNode() && !remember.isBoolean()) {
            throw new ApiException(ErrorCode.INVALID_ANSWER,
                    "patient and practitioner are references (strings), create_patient and remember are true or false");
        }
        if (remember.asBoolean(false) && practitioner.isMissingNode()) {
            throw new ApiException(ErrorCode.INVALID_ANSWER, "remember goes with a practitioner answer");
        }
        return new ReceivedReports.PersonAnswer(Optional.ofNullable(patient.isTextual() ? patient.asText().strip() : null),
                create.asBoolean(false), Optional.ofNullable(practitioner.isTextual() ? practitioner.asText().strip() : null),
                remember.asBoolean(false));
    }

    private static String clip(String s) {
        String printable = s.replaceAll("[^A-Za-z0-9_\\-]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }

    private Caller caller(Context ctx) {
        UserToken user = tokens.fromRequest(ctx);
        if (!user.emailVerified()) {
            throw new ApiException(ErrorCode.EMAIL_UNVERIFIED,
                    "confirm your email address first: the endpoint shows reports by confirmed address");
        }
        boolean admin;
        try {
            admin = enterpriseId.isPresent() && admins.administers(enterpriseId.get(), user);
        } catch (EnterpriseAuthorityUnavailableException e) {
            LOG.warn("could not tell whether a user administers the endpoint's enterprise: {}", e.getMessage());
            throw new ApiException(ErrorCode.ACCOUNTS_UNAVAILABLE,
                    "the accounts server could not be asked who administers this endpoint; try again");
        }
        return new Caller(user, admin);
    }

    /** The report, when the caller may see it; otherwise the same 404 as for an unknown one. */
    private ReceivedReport visible(Caller caller, String reportId) {
        if (reportId == null || reportId.isEmpty() || reportId.length() > 64
                || !reportId.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-')) {
            throw new ApiException(ErrorCode.INVALID_REPORT_ID, "a report ID is 1 to 64 letters, digits, '_' or '-'");
        }
        return reports.find(reportId)
                .filter(r -> caller.admin() || r.senderEmail() != null
                        && r.senderEmail().equalsIgnoreCase(caller.user().email()))
                .orElseThrow(InstitutionApi::unknown);
    }

    private static ApiException unknown() {
        return new ApiException(ErrorCode.UNKNOWN_REPORT, "this endpoint shows you no report with that ID");
    }

    static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("limit is a whole number from 1 to " + MAX_LIMIT);
    }

    static Optional<Instant> before(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value.strip()));
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("before is an ISO-8601 instant, such as 2026-11-27T14:05:00Z");
        }
    }
}
