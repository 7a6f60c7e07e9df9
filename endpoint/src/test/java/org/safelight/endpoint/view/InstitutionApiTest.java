package org.safelight.endpoint.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.endpoint.view.InMemoryReceivedReports.delivery;
import static org.safelight.endpoint.view.InMemoryReceivedReports.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.server.enterprise.EnterpriseAdmins;
import org.safelight.server.enterprise.EnterpriseAuthorityUnavailableException;
import org.safelight.server.http.Json;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.testing.TestTokens;

/**
 * The institution's view over HTTP: the enterprise's admins see and retry every received report,
 * anyone else sees only their own, and nobody learns of reports they may not see.
 */
class InstitutionApiTest {
    static final String ENTERPRISE = "ent-1";
    static final String TRUSTED_ORIGIN = "https://my.safelight.example";
    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    private final MutableClock clock = new MutableClock();
    private final TestTokens users = new TestTokens(clock);
    private final TestTokens endpointTokens = TestTokens.forEndpoint(clock);
    private final InMemoryReceivedReports reports = new InMemoryReceivedReports();
    private final AtomicBoolean accountsDown = new AtomicBoolean();
    // The admin as the accounts know it now: it@hospital.org (user "u-it").
    private final EnterpriseAdmins admins = (enterprise, user) -> {
        if (accountsDown.get()) {
            throw new EnterpriseAuthorityUnavailableException("down", null);
        }
        return ENTERPRISE.equals(enterprise) && "u-it".equals(user.userId());
    };
    private final List<Javalin> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        servers.forEach(Javalin::stop);
    }

    private String start(Optional<String> enterprise) {
        InstitutionApi api = new InstitutionApi(reports, InstitutionApi.userOrEndpointTokens(users.verifier(),
                endpointTokens.verifier()), admins, enterprise, List.of(TRUSTED_ORIGIN));
        Javalin app = InstitutionServer.start(api);
        servers.add(app);
        return "http://localhost:" + app.port();
    }

    private String start() {
        return start(Optional.of(ENTERPRISE));
    }

    private void threeReports() {
        reports.put(report("R-ADA-1", "ada@hospital.org", T0, "delivered", delivery("folder", "delivered", T0)));
        reports.put(report("R-BEN-1", "ben@clinic.org", T0.plusSeconds(60), "opened",
                delivery("folder", "delivered", T0), delivery("forward", "parked", T0)));
        reports.put(report("R-ADA-2", "ada@hospital.org", T0.plusSeconds(120), "parked"));
    }

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
        String error() {
            return body.path("error").asText();
        }
    }

    private Answer send(String base, String method, String path, String token, String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
        return new Answer(r.statusCode(), body, r);
    }

    private Answer get(String base, String path, String token) throws Exception {
        return send(base, "GET", path, token, null);
    }

    private String admin() {
        return users.token("u-it", "it@hospital.org");
    }

    private static List<String> ids(Answer a) {
        List<String> out = new ArrayList<>();
        a.body().path("reports").forEach(r -> out.add(r.path("report_id").asText()));
        return out;
    }

    @Test
    void the_enterprises_admin_sees_every_report_newest_first_with_each_destinations_status_and_error()
            throws Exception {
        threeReports();
        String base = start();

        Answer list = get(base, "/api/v1/endpoint/reports", admin());

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("scope").asText()).isEqualTo("all");
        assertThat(ids(list)).containsExactly("R-ADA-2", "R-BEN-1", "R-ADA-1");
        JsonNode ben = list.body().path("reports").get(1);
        assertThat(ben.path("sender_email").asText()).isEqualTo("ben@clinic.org");
        assertThat(ben.path("source").asText()).isEqualTo("https");
        assertThat(ben.path("received_at").asText()).isEqualTo("2026-11-27T10:01:00Z");
        assertThat(ben.path("deliveries").get(1).path("status").asText()).isEqualTo("parked");
        assertThat(ben.path("deliveries").get(1).path("last_error").asText()).isEqualTo("HTTP 503 from the middleware");
        assertThat(list.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void anyone_else_sees_only_their_own_reports_without_the_destinations_error_texts() throws Exception {
        threeReports();
        String base = start();
        String ben = users.token("u-ben", "ben@clinic.org");

        Answer list = get(base, "/api/v1/endpoint/reports", ben);
        Answer one = get(base, "/api/v1/endpoint/reports/R-BEN-1", ben);

        assertThat(list.body().path("scope").asText()).isEqualTo("own");
        assertThat(ids(list)).containsExactly("R-BEN-1");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body().path("deliveries").get(1).path("status").asText()).isEqualTo("parked");
        assertThat(one.body().path("deliveries").get(1).has("last_error")).isFalse();
    }

    @Test
    void someone_elses_report_answers_exactly_as_an_unknown_one() throws Exception {
        threeReports();
        String base = start();
        String ben = users.token("u-ben", "ben@clinic.org");

        Answer others = get(base, "/api/v1/endpoint/reports/R-ADA-1", ben);
        Answer unknown = get(base, "/api/v1/endpoint/reports/R-NOBODY", ben);

        assertThat(others.status()).isEqualTo(404);
        assertThat(others.body()).isEqualTo(unknown.body());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("unknown_report");
    }

    @Test
    void the_admin_retries_a_parked_report_and_its_parked_deliveries_become_pending() throws Exception {
        threeReports();
        String base = start();

        Answer retried = send(base, "POST", "/api/v1/endpoint/reports/R-BEN-1/retry", admin(), null);

        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.body().path("retried").asInt()).isEqualTo(1);
        assertThat(retried.body().path("report").path("deliveries").get(1).path("status").asText())
                .isEqualTo("pending");
        assertThat(reports.find("R-BEN-1").orElseThrow().deliveries().get(1).status()).isEqualTo("pending");
    }

    @Test
    void a_sender_cannot_retry_even_their_own_report_and_the_admin_gets_404_for_an_unknown_one() throws Exception {
        threeReports();
        String base = start();
        String ada = users.token("u-ada", "ada@hospital.org");

        Answer sender = send(base, "POST", "/api/v1/endpoint/reports/R-ADA-2/retry", ada, null);
        Answer unknown = send(base, "POST", "/api/v1/endpoint/reports/R-NOBODY/retry", admin(), null);

        assertThat(sender.status()).isEqualTo(403);
        assertThat(sender.error()).isEqualTo("not_endpoint_admin");
        assertThat(reports.find("R-ADA-2").orElseThrow().state()).isEqualTo("parked");
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void the_admin_of_another_enterprise_or_of_none_configured_sees_only_their_own() throws Exception {
        threeReports();
        String otherEnterprise = start(Optional.of("ent-2"));
        String noEnterprise = start(Optional.empty());

        assertThat(get(otherEnterprise, "/api/v1/endpoint/reports", admin()).body().path("scope").asText())
                .isEqualTo("own");
        assertThat(ids(get(noEnterprise, "/api/v1/endpoint/reports", admin()))).isEmpty();
    }

    @Test
    void pages_follow_one_another_with_before_and_limit() throws Exception {
        threeReports();
        String base = start();

        Answer first = get(base, "/api/v1/endpoint/reports?limit=2", admin());
        Answer second = get(base, "/api/v1/endpoint/reports?limit=2&before="
                + first.body().path("next").asText(), admin());

        assertThat(ids(first)).containsExactly("R-ADA-2", "R-BEN-1");
        assertThat(ids(second)).containsExactly("R-ADA-1");
        assertThat(second.body().path("next").isNull()).isTrue();
        assertThat(get(base, "/api/v1/endpoint/reports?limit=0", admin()).status()).isEqualTo(400);
        assertThat(get(base, "/api/v1/endpoint/reports?limit=201", admin()).status()).isEqualTo(400);
        assertThat(get(base, "/api/v1/endpoint/reports?before=yesterday", admin()).status()).isEqualTo(400);
    }

    @Test
    void no_token_an_unverified_address_or_a_key_server_token_is_refused() throws Exception {
        threeReports();
        String base = start();
        String unverified = users.token("u-ada", "ada@hospital.org", false, "");
        String keyServerToken = TestTokens.forKeyServer(clock).token("u-ada", "ada@hospital.org");

        assertThat(get(base, "/api/v1/endpoint/reports", null).status()).isEqualTo(401);
        Answer notConfirmed = get(base, "/api/v1/endpoint/reports", unverified);
        assertThat(notConfirmed.status()).isEqualTo(403);
        assertThat(notConfirmed.error()).isEqualTo("email_unverified");
        assertThat(get(base, "/api/v1/endpoint/reports", keyServerToken).status()).isEqualTo(401);
    }

    @Test
    void a_token_the_accounts_scoped_to_this_endpoint_is_taken_like_a_user_token() throws Exception {
        threeReports();
        String base = start();

        Answer admin = get(base, "/api/v1/endpoint/reports", endpointTokens.token("u-it", "it@hospital.org"));
        Answer ada = get(base, "/api/v1/endpoint/reports", endpointTokens.token("u-ada", "ada@hospital.org"));

        assertThat(admin.body().path("scope").asText()).isEqualTo("all");
        assertThat(ids(ada)).containsExactly("R-ADA-2", "R-ADA-1");
    }

    @Test
    void when_the_accounts_cannot_say_who_is_admin_the_answer_is_503_not_a_narrower_list() throws Exception {
        threeReports();
        String base = start();
        accountsDown.set(true);

        Answer down = get(base, "/api/v1/endpoint/reports", admin());

        assertThat(down.status()).isEqualTo(503);
        assertThat(down.error()).isEqualTo("accounts_unavailable");
    }

    @Test
    void my_safelight_on_a_trusted_origin_may_call_it_and_no_other_origin_may() throws Exception {
        threeReports();
        String base = start();

        Answer trusted = send(base, "OPTIONS", "/api/v1/endpoint/reports/R-BEN-1/retry", null, TRUSTED_ORIGIN);
        Answer evil = send(base, "OPTIONS", "/api/v1/endpoint/reports", null, "https://evil.example");
        Answer answer = send(base, "GET", "/api/v1/endpoint/reports", admin(), TRUSTED_ORIGIN);

        assertThat(trusted.status()).isEqualTo(204);
        assertThat(trusted.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue(TRUSTED_ORIGIN);
        assertThat(trusted.raw().headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                .containsIgnoringCase("authorization");
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.raw().headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(answer.raw().headers().firstValue("Access-Control-Allow-Origin")).hasValue(TRUSTED_ORIGIN);
    }
}
