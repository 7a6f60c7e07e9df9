package org.safelight.accounts.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.accounts.enterprise.Membership;
import org.safelight.accounts.users.User;
import org.safelight.server.http.Refusal;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.UserToken;

class SigningKeysTest {
    private static final java.net.URI ISSUER = java.net.URI.create("https://safelight.hospital.org/");
    private static final org.safelight.server.tokens.TokenAudience USERS =
            org.safelight.server.tokens.TokenAudience.users(ISSUER);
    private final MutableClock clock = new MutableClock();
    private final User ada = new User("u-1", 7, "ada@hospital.org", "$argon2id$x", "Ada", "Okafor", "Dr", "AU", true,
            Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path dataDir;

    @Test
    void the_first_start_creates_a_private_key_file_only_its_owner_can_read_and_later_starts_reuse_it()
            throws Exception {
        SigningKeys first = SigningKeys.loadOrCreate(dataDir, clock);
        Path file = dataDir.resolve("signing-keys.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        JWKSet stored = JWKSet.parse(Files.readString(file));
        assertThat(stored.getKeys()).hasSize(1);
        assertThat(stored.getKeys().get(0).isPrivate()).isTrue();

        SigningKeys again = SigningKeys.loadOrCreate(dataDir, clock);
        assertThat(again.current().getKeyID()).isEqualTo(first.current().getKeyID());
        assertThat(again.publicKeys().getKeys()).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());
    }

    @Test
    void an_issued_token_carries_exactly_the_agreed_claims_and_passes_the_shared_verifier() throws Exception {
        SigningKeys keys = SigningKeys.loadOrCreate(dataDir, clock);
        String jws = new AccessTokens(keys, ISSUER, clock).issue(ada,
                Optional.of(new Membership("ent-1", "Hospital", true, false)));

        SignedJWT parsed = SignedJWT.parse(jws);
        assertThat(parsed.getHeader().getKeyID()).isEqualTo(keys.current().getKeyID());
        assertThat(parsed.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(parsed.getJWTClaimsSet().getClaims().keySet()).containsExactlyInAnyOrder(
                "iss", "aud", "sub", "email", "email_verified", "name", "title", "country", "ent", "pro", "iat", "nbf",
                "exp");
        assertThat(parsed.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(parsed.getJWTClaimsSet().getIssuer()).isEqualTo("https://safelight.hospital.org");

        UserToken token = new JwksTokenVerifier(keys::publicKeys, USERS, clock).verify(jws);
        assertThat(token).isEqualTo(new UserToken("u-1", "ada@hospital.org", true, "Ada Okafor", "Dr", "AU", "ent-1",
                true, clock.instant(), clock.instant().plus(Duration.ofMinutes(15))));
    }

    @Test
    void outside_an_enterprise_the_token_has_an_empty_ent_and_no_pro_and_it_expires_after_15_minutes() {
        SigningKeys keys = SigningKeys.loadOrCreate(dataDir, clock);
        String jws = new AccessTokens(keys, ISSUER, clock).issue(ada, Optional.empty());
        JwksTokenVerifier verifier = new JwksTokenVerifier(keys::publicKeys, USERS, clock);
        UserToken token = verifier.verify(jws);
        assertThat(token.enterpriseId()).isEmpty();
        assertThat(token.pro()).isFalse();
        clock.advance(Duration.ofMinutes(16));
        assertThatThrownBy(() -> verifier.verify(jws)).isInstanceOfSatisfying(Refusal.class,
                e -> assertThat(e.code()).isEqualTo("token_expired"));
    }

    @Test
    void after_a_rotation_the_new_key_signs_and_tokens_of_the_old_one_still_verify_until_it_is_retired() {
        SigningKeys keys = SigningKeys.loadOrCreate(dataDir, clock);
        AccessTokens tokens = new AccessTokens(keys, ISSUER, clock);
        String oldKid = keys.current().getKeyID();
        String before = tokens.issue(ada, Optional.empty());

        String newKid = keys.rotate();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(keys.current().getKeyID()).isEqualTo(newKid);
        assertThat(keys.publicKeys().getKeys()).extracting(k -> k.getKeyID()).containsExactly(newKid, oldKid);
        assertThat(SigningKeys.loadOrCreate(dataDir, clock).current().getKeyID()).isEqualTo(newKid);

        String after = tokens.issue(ada, Optional.empty());
        assertThat(new JwksTokenVerifier(keys::publicKeys, USERS, clock).verify(before).userId()).isEqualTo("u-1");
        assertThat(new JwksTokenVerifier(keys::publicKeys, USERS, clock).verify(after).userId()).isEqualTo("u-1");

        assertThatThrownBy(() -> keys.retire(newKid)).isInstanceOf(IllegalArgumentException.class);
        keys.retire(oldKid);
        assertThatThrownBy(() -> new JwksTokenVerifier(keys::publicKeys, USERS, clock).verify(before))
                .isInstanceOf(Refusal.class);
        assertThat(SigningKeys.loadOrCreate(dataDir, clock).publicKeys().getKeys()).hasSize(1);
    }

    @Test
    void a_key_file_without_private_keys_is_refused_at_start() throws Exception {
        SigningKeys keys = SigningKeys.loadOrCreate(dataDir, clock);
        Files.writeString(dataDir.resolve("signing-keys.json"), keys.publicKeys().toString(true));
        assertThatThrownBy(() -> SigningKeys.loadOrCreate(dataDir, clock)).isInstanceOf(IllegalStateException.class);
        assertThat(keys.current()).isInstanceOf(ECKey.class);
    }
}
