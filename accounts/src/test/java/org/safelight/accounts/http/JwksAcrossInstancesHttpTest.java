package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.tokens.SigningKeys;
import org.safelight.server.crypto.MasterKey;

/** The published JWKS is the database's set: a rotation or retirement on another instance shows within seconds. */
class JwksAcrossInstancesHttpTest {
    private static java.util.List<String> published(AccountsServer server) throws Exception {
        return JWKSet.parse(server.get("/.well-known/jwks.json").body()).getKeys().stream().map(JWK::getKeyID)
                .toList();
    }

    @Test
    void the_jwks_shows_a_key_another_instance_made_and_drops_one_it_retired() throws Exception {
        try (AccountsServer server = AccountsServer.start()) {
            String first = server.keys.current().getKeyID();
            SigningKeys otherInstance = SigningKeys.open(server.db, MasterKey.load(server.dataDir, Map.of()),
                    server.dataDir, server.clock);
            String second = otherInstance.rotate();

            server.clock.advance(Duration.ofSeconds(6));
            assertThat(published(server)).containsExactly(second, first);

            otherInstance.retire(first, true);
            server.clock.advance(Duration.ofSeconds(6));
            assertThat(published(server)).containsExactly(second);
        }
    }
}
