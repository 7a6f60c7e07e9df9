package org.safelight.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.keys.KeyServerFixture.key;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.safelight.keys.KeyServerFixture.Answer;
import org.safelight.server.testing.TestDatabases;
import org.safelight.server.testing.TestTokens;
import org.safelight.server.tokens.TokenType;

/** A key server takes only tokens scoped to its own origin (DESIGN §3, Audiences). */
class KeyServerAudienceTest {
    private static final String REPORT = "0000000011462800528240";

    @Test
    void a_user_token_of_the_same_accounts_server_is_refused() throws IOException {
        try (KeyServerFixture server = new KeyServerFixture(TestDatabases.sqlite())) {
            String userToken = server.tokens.sign(server.tokens.claims("u1", "u1@example.org", true, "")
                    .audience(TestTokens.ISSUER.toString()).build(), TokenType.USER);
            Answer answer = server.post(key(REPORT), userToken);
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.error()).isEqualTo("invalid_token");
            assertThat(server.post(key(REPORT), server.token("u1")).status()).isEqualTo(201);
        }
    }

    @Test
    void a_token_for_another_key_server_is_refused() throws IOException {
        try (KeyServerFixture server = new KeyServerFixture(TestDatabases.sqlite())) {
            String elsewhere = server.tokens.sign(server.tokens.claims("u1", "u1@example.org", true, "")
                    .audience("https://keys.elsewhere.example").build());
            Answer answer = server.post(key(REPORT), elsewhere);
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.error()).isEqualTo("invalid_token");
            assertThat(answer.json().path("message").asText()).contains("meant for another server");
        }
    }
}
