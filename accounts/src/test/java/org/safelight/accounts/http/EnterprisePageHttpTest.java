package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.accounts.testing.AccountsServer.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

/** What the enterprise page reads: {@code GET /api/v1/enterprise} with labelled credentials and their last use. */
class EnterprisePageHttpTest {
    private final AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private String admin() {
        server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of("elsewhere.org"),
                List.of("locum@gmail.com"));
        server.signUpVerified("it@elsewhere.org");
        return server.accessToken("it@elsewhere.org");
    }

    @Test
    void the_enterprise_lists_its_live_credentials_with_label_kind_prefix_and_last_use() {
        String admin = admin();
        JsonNode key = json(server.post("/api/v1/enterprise/api-keys", "{\"label\": \" sync on the EMR host \"}",
                admin));
        assertThat(key.get("label").asText()).isEqualTo("sync on the EMR host");
        String secret = key.get("api_key").asText();
        server.clock.advance(Duration.ofSeconds(1));
        JsonNode token = json(server.post("/api/v1/enterprise/key-server-tokens", "", admin));
        JsonNode revoked = json(server.post("/api/v1/enterprise/api-keys", "{\"label\": \"old\"}", admin));
        assertThat(server.delete("/api/v1/enterprise/api-keys/" + revoked.get("id").asText(), admin).statusCode())
                .isEqualTo(204);
        Instant used = server.clock.instant();
        assertThat(server.get("/api/v1/enterprise/credential", secret).statusCode()).isEqualTo(200);

        JsonNode page = json(server.get("/api/v1/enterprise", admin));
        assertThat(page.get("domains").toString()).isEqualTo("[\"elsewhere.org\"]");
        assertThat(page.get("members").toString()).isEqualTo("[\"locum@gmail.com\"]");
        JsonNode credentials = page.get("credentials");
        assertThat(credentials).hasSize(2);
        JsonNode first = credentials.get(0);
        assertThat(first.get("id").asText()).isEqualTo(key.get("id").asText());
        assertThat(first.get("kind").asText()).isEqualTo("api_key");
        assertThat(first.get("label").asText()).isEqualTo("sync on the EMR host");
        assertThat(first.get("prefix").asText()).isEqualTo("slak_" + key.get("id").asText());
        assertThat(secret).startsWith(first.get("prefix").asText() + "_");
        assertThat(first.get("created_at").asText()).isNotBlank();
        assertThat(Instant.parse(first.get("last_used_at").asText())).isEqualTo(used);
        JsonNode second = credentials.get(1);
        assertThat(second.get("kind").asText()).isEqualTo("key_server_token");
        assertThat(second.get("id").asText()).isEqualTo(token.get("id").asText());
        assertThat(second.get("label").asText()).isEmpty();
        assertThat(second.has("last_used_at")).as("never used").isFalse();
        assertThat(page.toString()).doesNotContain(secret, token.get("key_server_token").asText());
    }

    @EachDatabase
    void the_enterprise_lists_the_confirmed_accounts_at_its_domains(DatabaseEngine engine, Supplier<Database> fresh) {
        try (AccountsServer server = AccountsServer.startOn(fresh.get())) {
            server.stores.enterprises().create("St Elsewhere", "it@elsewhere.org", List.of("elsewhere.org"),
                    List.of("locum@gmail.com"));
            server.signUpVerified("it@elsewhere.org");
            Instant confirmed = server.clock.instant();
            server.signUpVerified("zed@elsewhere.org");
            server.signUpVerified("ann@elsewhere.org");
            server.signUp("unconfirmed@elsewhere.org");
            server.signUpVerified("someone@notelsewhere.org");
            server.signUpVerified("locum@gmail.com");

            JsonNode page = json(server.get("/api/v1/enterprise", server.accessToken("it@elsewhere.org")));

            assertThat(page.get("domain_members").findValuesAsText("email"))
                    .containsExactly("ann@elsewhere.org", "it@elsewhere.org", "zed@elsewhere.org");
            JsonNode ann = page.get("domain_members").get(0);
            assertThat(ann.get("name").asText()).isEqualTo("Ada Okafor");
            assertThat(Instant.parse(ann.get("confirmed_at").asText())).isEqualTo(confirmed);
            assertThat(page.get("domain_members_truncated").asBoolean()).isFalse();
            assertThat(page.get("members").toString()).isEqualTo("[\"locum@gmail.com\"]");
        }
    }

    @Test
    void only_the_admin_sees_the_domain_members() {
        admin();
        server.signUpVerified("ann@elsewhere.org");
        assertThat(server.get("/api/v1/enterprise", server.accessToken("ann@elsewhere.org")).statusCode())
                .isEqualTo(403);
    }

    @Test
    void a_credentials_use_is_recorded_at_most_once_a_minute() {
        String admin = admin();
        String secret = json(server.post("/api/v1/enterprise/api-keys", "{}", admin)).get("api_key").asText();
        Instant first = server.clock.instant();
        server.get("/api/v1/enterprise/credential", secret);
        server.clock.advance(Duration.ofSeconds(30));
        server.get("/api/v1/enterprise/credential", secret);
        assertThat(lastUse(admin)).isEqualTo(first);
        server.clock.advance(Duration.ofSeconds(31));
        Instant later = server.clock.instant();
        server.get("/api/v1/enterprise/credential", secret);
        assertThat(lastUse(admin)).isEqualTo(later);
    }

    @Test
    void a_label_is_one_line_of_at_most_100_characters() {
        String admin = admin();
        assertThat(server.post("/api/v1/enterprise/api-keys", "{\"label\": \"" + "x".repeat(101) + "\"}", admin)
                .statusCode()).isEqualTo(400);
        assertThat(server.post("/api/v1/enterprise/api-keys", "{\"label\": \"a\\nb\"}", admin).statusCode())
                .isEqualTo(400);
    }

    private Instant lastUse(String admin) {
        return Instant.parse(json(server.get("/api/v1/enterprise", admin)).get("credentials").get(0)
                .get("last_used_at").asText());
    }
}
