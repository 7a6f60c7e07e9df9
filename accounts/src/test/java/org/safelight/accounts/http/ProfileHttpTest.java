package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;

class ProfileHttpTest {
    private final AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_signed_in_user_sees_their_profile_with_the_user_number_for_report_ids() {
        server.signUpVerified("first@hospital.org");
        String id = server.signUpVerified("ada@hospital.org");
        HttpResponse<String> r = server.get("/api/v1/accounts/me", server.accessToken("ada@hospital.org"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode me = json(r);
        assertThat(me.get("user_id").asText()).isEqualTo(id);
        assertThat(me.get("user_number").asLong()).isEqualTo(2);
        assertThat(me.get("email").asText()).isEqualTo("ada@hospital.org");
        assertThat(me.get("email_verified").asBoolean()).isTrue();
        assertThat(me.get("first_name").asText()).isEqualTo("Ada");
        assertThat(me.get("last_name").asText()).isEqualTo("Okafor");
        assertThat(me.get("title").asText()).isEqualTo("Dr");
        assertThat(me.get("country").asText()).isEqualTo("AU");
        assertThat(me.get("created_at").asText()).isEqualTo(server.clock.instant().toString());
        assertThat(me.get("enterprise").isNull()).isTrue();
    }

    @Test
    void a_patch_changes_only_the_fields_it_names_and_the_next_token_carries_them() {
        server.signUpVerified("ada@hospital.org");
        String refresh = server.signIn("ada@hospital.org").get("refresh_token").asText();
        String token = server.accessToken("ada@hospital.org");
        HttpResponse<String> r = server.patch("/api/v1/accounts/me", "{\"title\": \"Prof\", \"country\": \"nz\"}", token);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode me = json(r);
        assertThat(me.get("title").asText()).isEqualTo("Prof");
        assertThat(me.get("country").asText()).isEqualTo("NZ");
        assertThat(me.get("first_name").asText()).isEqualTo("Ada");

        JsonNode renamed = json(server.patch("/api/v1/accounts/me", "{\"first_name\": \" Adaeze \"}", token));
        assertThat(renamed.get("first_name").asText()).isEqualTo("Adaeze");

        String next = json(server.post("/api/v1/accounts/refresh", "{\"refresh_token\": \"" + refresh + "\"}"))
                .get("access_token").asText();
        assertThat(server.verifier().verify(next).name()).isEqualTo("Adaeze Okafor");
        assertThat(server.verifier().verify(next).country()).isEqualTo("NZ");
    }

    @Test
    void a_bad_field_in_a_patch_is_refused_naming_it_and_nothing_changes() {
        server.signUpVerified("ada@hospital.org");
        String token = server.accessToken("ada@hospital.org");
        for (String[] bad : new String[][] {{"{\"country\": \"Australia\"}", "country"},
            {"{\"first_name\": \"\"}", "first_name"}, {"{\"last_name\": null}", "last_name"}}) {
            HttpResponse<String> r = server.patch("/api/v1/accounts/me", bad[0], token);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(json(r).get("message").asText()).contains(bad[1]);
        }
        assertThat(server.stores.users().findByEmail("ada@hospital.org").orElseThrow().country()).isEqualTo("AU");
    }

    @Test
    void without_a_valid_current_token_the_profile_is_refused_with_401() {
        server.signUpVerified("ada@hospital.org");
        String token = server.accessToken("ada@hospital.org");
        assertThat(server.get("/api/v1/accounts/me").statusCode()).isEqualTo(401);
        assertThat(json(server.get("/api/v1/accounts/me", "not.a.token")).get("error").asText())
                .isEqualTo("invalid_token");
        assertThat(server.patch("/api/v1/accounts/me", "{\"title\": \"x\"}", "garbage").statusCode()).isEqualTo(401);
        server.clock.advance(Duration.ofMinutes(16));
        assertThat(json(server.get("/api/v1/accounts/me", token)).get("error").asText()).isEqualTo("token_expired");
    }
}
