package org.safelight.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.safelight.server.http.Refusal;
import org.safelight.server.testing.TestTokens;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.UserToken;

class TokenVerifierTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private final TestTokens tokens = new TestTokens(clock);

    @Test
    void a_signed_token_gives_its_claims() {
        UserToken t = tokens.verifier().verify(tokens.token("u1", "a@example.org", true, "ent-9"));
        assertThat(t.userId()).isEqualTo("u1");
        assertThat(t.email()).isEqualTo("a@example.org");
        assertThat(t.emailVerified()).isTrue();
        assertThat(t.enterpriseId()).isEqualTo("ent-9");
        assertThat(t.pro()).isTrue();
    }

    @Test
    void an_expired_token_is_refused_as_expired() {
        String old = tokens.sign(tokens.claims("u1", "a@example.org", true, "")
                .issueTime(Date.from(clock.instant().minus(Duration.ofMinutes(16))))
                .notBeforeTime(Date.from(clock.instant().minus(Duration.ofMinutes(16))))
                .expirationTime(Date.from(clock.instant().minus(Duration.ofMinutes(1)))).build());
        assertThatThrownBy(() -> tokens.verifier().verify(old)).isInstanceOfSatisfying(Refusal.class,
                e -> assertThat(e.code()).isEqualTo("token_expired"));
    }

    @Test
    void a_token_from_another_signer_or_altered_is_invalid() {
        String foreign = new TestTokens(clock).token("u1", "a@example.org");
        assertThatThrownBy(() -> tokens.verifier().verify(foreign)).isInstanceOfSatisfying(Refusal.class,
                e -> assertThat(e.code()).isEqualTo("invalid_token"));
        String good = tokens.token("u1", "a@example.org");
        String[] parts = good.split("\\.");
        String altered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        assertThatThrownBy(() -> tokens.verifier().verify(altered)).isInstanceOf(Refusal.class);
        assertThatThrownBy(() -> tokens.verifier().verify("garbage")).isInstanceOf(Refusal.class);
    }

    @Test
    void an_unknown_key_id_refetches_the_key_set_at_most_once_per_interval() {
        AtomicInteger fetches = new AtomicInteger();
        TestTokens other = new TestTokens(clock);
        JwksTokenVerifier verifier = new JwksTokenVerifier(() -> {
            fetches.incrementAndGet();
            return tokens.publicKeys();
        }, tokens.audience(), clock);
        verifier.verify(tokens.token("u1", "a@example.org"));
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> verifier.verify(other.token("u2", "b@example.org"))).isInstanceOf(Refusal.class);
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void a_remembered_token_still_expires_on_time() {
        Instant[] now = {Instant.parse("2026-11-22T10:00:00Z")};
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        TestTokens signer = new TestTokens(moving);
        JwksTokenVerifier verifier = new JwksTokenVerifier(signer::publicKeys, signer.audience(), moving);
        String token = signer.token("u1", "a@example.org");
        assertThat(verifier.verify(token).userId()).isEqualTo("u1");
        assertThat(verifier.verify(token).userId()).isEqualTo("u1");
        now[0] = now[0].plus(Duration.ofMinutes(16));
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOfSatisfying(Refusal.class,
                e -> assertThat(e.code()).isEqualTo("token_expired"));
    }
}
