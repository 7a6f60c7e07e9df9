package org.safelight.accounts.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.http.Refusal;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.tokens.Es256Signatures;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenAudience;

/**
 * Someone who can write the database but does not hold the master key adds signing key rows of
 * their own: none of them is published or verifies a token, on either engine.
 */
class SigningKeysForgeryTest {
    private static final URI ISSUER = URI.create("https://safelight.hospital.org/");
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dataDir;
    @TempDir
    Path attackerDir;

    @EachDatabase
    void rows_whose_private_part_does_not_open_to_their_own_key_are_neither_published_nor_trusted(Database db) {
        db.migrate("accounts");
        MasterKey masterKey = MasterKey.load(dataDir, Map.of());
        SigningKeys keys = SigningKeys.open(db, masterKey, dataDir, clock);
        String genuineKid = keys.current().getKeyID();
        String genuineSealed = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT sealed_jwk FROM signing_keys WHERE kid = :kid").bind("kid", genuineKid).mapTo(String.class).one());

        ECKey junk = SigningKeys.generate(clock);
        ECKey foreign = SigningKeys.generate(clock);
        ECKey copied = SigningKeys.generate(clock);
        ECKey swapped = SigningKeys.generate(clock);
        ECKey mismatched = SigningKeys.generate(clock);
        ECKey other = SigningKeys.generate(clock);
        // junk where the private part should be
        insert(db, junk, "x");
        // the attacker's own key, sealed under a master key of their own
        insert(db, foreign, MasterKey.load(attackerDir, Map.of()).seal(bytes(foreign), SigningKeys.aad(foreign.getKeyID())));
        // the genuine key's sealed part, a valid seal but of another key under another key id
        insert(db, copied, genuineSealed);
        // a valid seal for this key id holding another key (its thumbprint is not the key id)
        ECKey relabelled = new ECKey.Builder(other).keyID(swapped.getKeyID()).build();
        insert(db, swapped, masterKey.seal(bytes(relabelled), SigningKeys.aad(swapped.getKeyID())));
        // a valid seal of a private key whose public half (and so its thumbprint) belongs to another pair
        ECKey halves = new ECKey.Builder(Curve.P_256, mismatched.getX(), mismatched.getY()).d(other.getD())
                .keyID(mismatched.getKeyID()).build();
        insert(db, mismatched, masterKey.seal(bytes(halves), SigningKeys.aad(mismatched.getKeyID())));
        List<ECKey> forged = List.of(junk, foreign, copied, swapped, mismatched);

        clock.advance(SigningKeys.UNKNOWN_KID_RELOAD.plusSeconds(1));
        SigningKeys second = SigningKeys.open(db, masterKey, attackerDir, clock);
        for (SigningKeys instance : List.of(keys, second)) {
            assertThat(instance.publishedKeys().getKeys()).extracting(JWK::getKeyID).containsExactly(genuineKid);
            JwksTokenVerifier verifier = new JwksTokenVerifier(instance::publicKeysWith, TokenAudience.users(ISSUER),
                    clock);
            for (ECKey key : forged) {
                assertThatThrownBy(() -> verifier.verify(tokenSignedBy(key)))
                        .as("a token signed by forged key %s", key.getKeyID()).isInstanceOf(Refusal.class);
            }
            assertThat(verifier.verify(tokenSignedBy(instance.current())).userId()).isEqualTo("u-1");
        }
        assertThat(keys.list()).filteredOn(k -> !k.trusted()).extracting(SigningKeys.KeyInfo::kid)
                .as("admin signing-keys list marks them").containsExactlyInAnyOrderElementsOf(
                        forged.stream().map(ECKey::getKeyID).toList());
    }

    /** A row for {@code key}'s id (the table has no public key column: nothing else can be written). */
    private void insert(Database db, ECKey key, String sealed) {
        db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO signing_keys (kid, sealed_jwk, created_at)"
                        + " VALUES (:kid, :sealed, :created)").bind("kid", key.getKeyID())
                .bind("sealed", sealed).bind("created", clock.millis() + 1).execute());
    }

    private static byte[] bytes(ECKey key) {
        return key.toJSONString().getBytes(StandardCharsets.UTF_8);
    }

    private String tokenSignedBy(ECKey key) {
        Instant now = clock.instant();
        return Es256Signatures.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                        .type(new JOSEObjectType("at+jwt")).build(),
                new JWTClaimsSet.Builder().issuer("https://safelight.hospital.org").audience("https://safelight.hospital.org")
                        .subject("u-1").claim("email", "ada@hospital.org").issueTime(Date.from(now))
                        .notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(15)))).build(),
                key);
    }
}
