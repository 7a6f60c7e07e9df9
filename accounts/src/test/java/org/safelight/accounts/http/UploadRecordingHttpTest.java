package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.http.ServiceCredential;

/** Only the cloud role writes the upload log: a user's own token cannot add entries to any listing. */
class UploadRecordingHttpTest {
    private final AccountsServer server = AccountsServer.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        server.close();
    }

    private String entry(String reportId) {
        String name = "A".repeat(22) + "-" + reportId;
        return """
                {"report_id": "%s", "region": "AU", "link": "%s/app/report/AU/%s",
                 "download_url": "%s/api/v1/cloud/reports/AU/%s", "size": 1234, "expires_at": "%s"}"""
                .formatted(reportId, server.base, name, server.base, name, server.clock.instant().plusSeconds(3600));
    }

    private HttpResponse<String> record(String body, String userToken, String serviceCredential) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/accounts/me/reports"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userToken)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (serviceCredential != null) {
            request.header(ServiceCredential.HEADER, serviceCredential);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String memberOfAnEnterpriseWithAnApiKey() {
        server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of("elsewhere.org"), List.of());
        server.signUpVerified("it@elsewhere.org");
        server.signUpVerified("ada@elsewhere.org");
        return json(server.post("/api/v1/enterprise/api-keys", "", server.accessToken("it@elsewhere.org")))
                .get("api_key").asText();
    }

    @Test
    void a_user_cannot_add_entries_to_their_list_or_their_enterprises_listing() throws Exception {
        String apiKey = memberOfAnEnterpriseWithAnApiKey();
        String ada = server.accessToken("ada@elsewhere.org");

        HttpResponse<String> refused = record(entry("MADE-UP"), ada, null);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).get("error").asText()).isEqualTo("service_only");
        assertThat(json(server.get("/api/v1/accounts/me/reports", ada)).get("reports")).isEmpty();
        assertThat(json(server.get("/api/v1/enterprise/reports", apiKey)).get("reports")).isEmpty();
    }

    @Test
    void a_wrong_service_credential_is_refused_like_none() throws Exception {
        server.signUpVerified("ada@hospital.org");
        String ada = server.accessToken("ada@hospital.org");

        HttpResponse<String> refused = record(entry("R1"), ada, "x" + AccountsServer.CLOUD_SERVICE_CREDENTIAL);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(server.get("/api/v1/accounts/me/reports", ada)).get("reports")).isEmpty();
    }

    @Test
    void the_cloud_role_with_the_service_credential_records_the_users_upload_on_both_listings() throws Exception {
        String apiKey = memberOfAnEnterpriseWithAnApiKey();
        String ada = server.accessToken("ada@elsewhere.org");

        HttpResponse<String> recorded = record(entry("R1"), ada, AccountsServer.CLOUD_SERVICE_CREDENTIAL);

        assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
        assertThat(json(server.get("/api/v1/accounts/me/reports", ada)).get("reports")).hasSize(1);
        assertThat(json(server.get("/api/v1/enterprise/reports", apiKey)).get("reports").get(0)
                .get("sender_email").asText()).isEqualTo("ada@elsewhere.org");
    }
}
