package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.tokens.AccessTokens;
import org.safelight.accounts.users.User;
import org.safelight.server.db.Database;
import org.safelight.server.http.ServiceCredential;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/**
 * An upload is recorded with its sender as their account is when it is recorded, never as their
 * sign-in remembered it: the enterprise they are in now, and whether their address is confirmed now.
 */
class UploadsFromTheAccountNowHttpTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> record(AccountsServer server, String reportId, String userToken) throws Exception {
        String name = "A".repeat(22) + "-" + reportId;
        String body = """
                {"report_id": "%s", "region": "AU", "link": "%s/app/report/AU/%s",
                 "download_url": "%s/api/v1/cloud/reports/AU/%s", "size": 1234, "expires_at": "%s"}"""
                .formatted(reportId, server.base, name, server.base, name, server.clock.instant().plusSeconds(3600));
        return http.send(HttpRequest.newBuilder(URI.create(server.base + "/api/v1/accounts/me/reports"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userToken)
                .header(ServiceCredential.HEADER, AccountsServer.CLOUD_SERVICE_CREDENTIAL)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @EachDatabase
    void a_member_signed_in_before_the_enterprise_was_made_uploads_into_its_listing(DatabaseEngine engine,
            Supplier<Database> fresh) throws Exception {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            server.signUpVerified("ada@elsewhere.org");
            String signedInBefore = server.accessToken("ada@elsewhere.org");
            String enterprise = server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org",
                    List.of("elsewhere.org"), List.of());
            server.signUpVerified("it@elsewhere.org");
            String apiKey = json(server.post("/api/v1/enterprise/api-keys", "", server.accessToken("it@elsewhere.org")))
                    .get("api_key").asText();

            HttpResponse<String> recorded = record(server, "R1", signedInBefore);

            assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
            assertThat(json(recorded).get("enterprise_id").asText()).isEqualTo(enterprise);
            assertThat(json(server.get("/api/v1/enterprise/reports", apiKey)).get("reports").get(0)
                    .get("report_id").asText()).isEqualTo("R1");
        }
    }

    @EachDatabase
    void a_sender_whose_sign_in_says_unconfirmed_but_who_has_confirmed_since_may_upload_and_the_reverse_may_not(
            DatabaseEngine engine, Supplier<Database> fresh) throws Exception {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            server.signUpVerified("ada@hospital.org");
            User ada = server.stores.users().findByEmail("ada@hospital.org").orElseThrow();
            AccessTokens tokens = new AccessTokens(server.keys, URI.create(server.base), server.clock);
            // A token issued while the address was not yet confirmed (as older servers issued them).
            String beforeConfirming = tokens.issue(new User(ada.id(), ada.number(), ada.email(), ada.passwordHash(),
                    ada.firstName(), ada.lastName(), ada.title(), ada.country(), false, ada.createdAt()),
                    Optional.empty());
            server.signUp("bob@hospital.org");
            User bob = server.stores.users().findByEmail("bob@hospital.org").orElseThrow();
            // A token claiming a confirmation the account does not have.
            String claimsConfirmed = tokens.issue(new User(bob.id(), bob.number(), bob.email(), bob.passwordHash(),
                    bob.firstName(), bob.lastName(), bob.title(), bob.country(), true, bob.createdAt()),
                    Optional.empty());

            HttpResponse<String> confirmedSince = record(server, "R1", beforeConfirming);
            HttpResponse<String> notConfirmed = record(server, "R2", claimsConfirmed);

            assertThat(confirmedSince.statusCode()).as(confirmedSince.body()).isEqualTo(201);
            assertThat(notConfirmed.statusCode()).isEqualTo(403);
            assertThat(json(notConfirmed).get("error").asText()).isEqualTo("email_unverified");
            assertThat(json(server.get("/api/v1/accounts/me/reports", beforeConfirming)).get("reports")).hasSize(1);
        }
    }
}
