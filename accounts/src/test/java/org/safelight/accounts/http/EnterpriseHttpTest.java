package org.safelight.accounts.http;

import org.safelight.server.enterprise.EnterpriseAuthority;
import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.safelight.server.enterprise.EnterpriseAuthority.Credential;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.tokens.UserToken;

class EnterpriseHttpTest {
    private final AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private String hospital() {
        return server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of("elsewhere.org"),
                List.of("locum@gmail.com"));
    }

    @Test
    void a_verified_address_at_a_member_domain_gets_ent_and_pro_in_its_token_and_profile() {
        String ent = hospital();
        server.signUpVerified("ada@elsewhere.org");
        String token = server.accessToken("ada@elsewhere.org");
        UserToken verified = server.verifier().verify(token);
        assertThat(verified.enterpriseId()).isEqualTo(ent);
        assertThat(verified.pro()).isTrue();

        JsonNode membership = json(server.get("/api/v1/accounts/me", token)).get("enterprise");
        assertThat(membership.get("id").asText()).isEqualTo(ent);
        assertThat(membership.get("name").asText()).isEqualTo("St Elsewhere");
        assertThat(membership.get("pro").asBoolean()).isTrue();
        assertThat(membership.get("admin").asBoolean()).isFalse();
    }

    @Test
    void an_address_on_the_explicit_list_is_a_member_and_losing_the_licence_shows_at_the_next_refresh() {
        String ent = hospital();
        server.signUpVerified("locum@gmail.com");
        JsonNode pair = server.signIn("locum@gmail.com");
        assertThat(server.verifier().verify(pair.get("access_token").asText()).enterpriseId()).isEqualTo(ent);

        server.stores.enterprises().setPro(ent, false);
        String next = json(server.post("/api/v1/accounts/refresh",
                "{\"refresh_token\": \"" + pair.get("refresh_token").asText() + "\"}")).get("access_token").asText();
        assertThat(server.verifier().verify(next).pro()).isFalse();
        assertThat(server.verifier().verify(next).enterpriseId()).isEqualTo(ent);

        server.signUpVerified("someone@gmail.com");
        assertThat(server.verifier().verify(server.accessToken("someone@gmail.com")).enterpriseId()).isEmpty();
    }

    @Test
    void the_admin_sees_the_enterprise_with_its_domains_and_members() {
        String ent = hospital();
        server.signUpVerified("it@elsewhere.org");
        HttpResponse<String> r = server.get("/api/v1/enterprise", server.accessToken("it@elsewhere.org"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode e = json(r);
        assertThat(e.get("id").asText()).isEqualTo(ent);
        assertThat(e.get("name").asText()).isEqualTo("St Elsewhere");
        assertThat(e.get("admin_email").asText()).isEqualTo("it@elsewhere.org");
        assertThat(e.get("pro").asBoolean()).isTrue();
        assertThat(e.get("domains").toString()).isEqualTo("[\"elsewhere.org\"]");
        assertThat(e.get("members").toString()).isEqualTo("[\"locum@gmail.com\"]");
        assertThat(json(server.get("/api/v1/accounts/me", server.accessToken("it@elsewhere.org")))
                .get("enterprise").get("admin").asBoolean()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"api-keys, api_key, api_keys, API_KEY, slak_", "key-server-tokens, key_server_token, "
            + "key_server_tokens, KEY_SERVER_TOKEN, slkst_"})
    void the_admin_creates_a_credential_shown_once_lists_it_by_its_last_four_and_revokes_it(
            String path, String field, String listField, Credential kind, String prefix) {
        String ent = hospital();
        server.signUpVerified("it@elsewhere.org");
        String admin = server.accessToken("it@elsewhere.org");

        HttpResponse<String> created = server.post("/api/v1/enterprise/" + path, "", admin);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
        String id = json(created).get("id").asText();
        String secret = json(created).get(field).asText();
        assertThat(secret).startsWith(prefix + id + "_").hasSizeGreaterThan(prefix.length() + 16 + 43);
        assertThat(server.stores.credentials().check(kind, secret)).contains(ent);

        HttpResponse<String> listed = server.get("/api/v1/enterprise/" + path, admin);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(secret.substring(prefix.length() + 17));
        JsonNode item = json(listed).get(listField).get(0);
        assertThat(item.get("id").asText()).isEqualTo(id);
        assertThat(item.get("last4").asText()).isEqualTo(secret.substring(secret.length() - 4));
        assertThat(item.get("created_at").asText()).isEqualTo(server.clock.instant().toString());
        assertThat(item.get("revoked").asBoolean()).isFalse();

        assertThat(server.delete("/api/v1/enterprise/" + path + "/" + id, admin).statusCode()).isEqualTo(204);
        assertThat(server.stores.credentials().check(kind, secret)).isEmpty();
        assertThat(json(server.get("/api/v1/enterprise/" + path, admin)).get(listField).get(0).get("revoked")
                .asBoolean()).isTrue();
        assertThat(server.delete("/api/v1/enterprise/" + path + "/0000000000000000", admin).statusCode())
                .isEqualTo(404);
    }

    @Test
    void anyone_but_the_verified_admin_is_refused() {
        hospital();
        server.signUpVerified("ada@elsewhere.org");
        String member = server.accessToken("ada@elsewhere.org");
        for (HttpResponse<String> r : List.of(server.get("/api/v1/enterprise", member),
                server.post("/api/v1/enterprise/api-keys", "", member),
                server.get("/api/v1/enterprise/key-server-tokens", member),
                server.delete("/api/v1/enterprise/api-keys/abc", member))) {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(json(r).get("error").asText()).isEqualTo("not_enterprise_admin");
        }

        server.signUp("it@elsewhere.org");
        HttpResponse<String> unverifiedAdmin = server.post("/api/v1/accounts/signin",
                "{\"email\": \"it@elsewhere.org\", \"password\": \"" + AccountsServer.PASSWORD + "\"}");
        assertThat(unverifiedAdmin.statusCode()).isEqualTo(403);
        assertThat(json(unverifiedAdmin).get("error").asText()).isEqualTo("email_unverified");

        assertThat(server.get("/api/v1/enterprise").statusCode()).isEqualTo(401);
    }

    @Test
    void one_enterprise_admin_cannot_revoke_another_enterprises_credential() {
        hospital();
        server.stores.enterprises().create("Clinic", "boss@clinic.org", List.of("clinic.org"), List.of());
        server.signUpVerified("it@elsewhere.org");
        server.signUpVerified("boss@clinic.org");
        String theirs = json(server.post("/api/v1/enterprise/api-keys", "", server.accessToken("it@elsewhere.org")))
                .get("id").asText();
        assertThat(server.delete("/api/v1/enterprise/api-keys/" + theirs, server.accessToken("boss@clinic.org"))
                .statusCode()).isEqualTo(404);
        assertThat(json(server.get("/api/v1/enterprise/api-keys", server.accessToken("boss@clinic.org")))
                .get("api_keys").size()).isZero();
    }
}
