package org.safelight.accounts.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.accounts.enterprise.Membership;
import org.safelight.accounts.users.User;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyException;
import org.safelight.server.db.Database;
import org.safelight.server.http.Refusal;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.UserToken;

/** Signing keys in the database, as two instances of the accounts role on one database see them. */
class SigningKeysTest {
    private static final java.net.URI ISSUER = java.net.URI.create("https://safelight.hospital.org/");
    private static final org.safelight.server.tokens.TokenAudience USERS =
            org.safelight.server.tokens.TokenAudience.users(ISSUER);
    private final MutableClock clock = new MutableClock();
    private final User ada = new User("u-1", 7, "ada@hospital.org", "$argon2id$x", "Ada", "Okafor", "Dr", "AU", true,
            Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path dataDir;
    @TempDir
    Path otherDataDir;

    private MasterKey masterKey() {
        return MasterKey.load(dataDir, Map.of());
    }

    private SigningKeys open(Database db, Path dir) {
        db.migrate("accounts");
        return SigningKeys.open(db, masterKey(), dir, clock);
    }

    private UserToken verifyOn(SigningKeys keys, String jws) {
        return new JwksTokenVerifier(keys::publicKeysWith, USERS, clock).verify(jws);
    }

    @EachDatabase
    void the_private_key_is_stored_sealed_and_a_second_instance_signs_with_the_same_current_key(Database db)
            throws Exception {
        SigningKeys first = open(db, dataDir);
        SigningKeys second = open(db, otherDataDir);
        assertThat(second.current().getKeyID()).isEqualTo(first.current().getKeyID());
        assertThat(second.publicKeys().getKeys()).allSatisfy(k -> assertThat(k.isPrivate()).isFalse());

        String sealed = db.jdbi().withHandle(h -> h.createQuery("SELECT sealed_jwk FROM signing_keys").mapTo(String.class)
                .one());
        String privatePart = first.current().getD().toString();
        assertThat(sealed).doesNotContain(privatePart);
        assertThat(Files.exists(dataDir.resolve("signing-keys.json"))).isFalse();
    }

    @EachDatabase
    void two_instances_on_one_database_accept_each_others_tokens(Database db) throws Exception {
        SigningKeys one = open(db, dataDir);
        SigningKeys two = open(db, otherDataDir);
        String fromOne = new AccessTokens(one, ISSUER, clock).issue(ada,
                Optional.of(new Membership("ent-1", "Hospital", true, false)));
        String fromTwo = new AccessTokens(two, ISSUER, clock).issue(ada, Optional.empty());

        assertThat(verifyOn(two, fromOne).enterpriseId()).isEqualTo("ent-1");
        assertThat(verifyOn(one, fromTwo).userId()).isEqualTo("u-1");
        assertThat(SignedJWT.parse(fromOne).getJWTClaimsSet().getClaims().keySet()).containsExactlyInAnyOrder(
                "iss", "aud", "sub", "email", "email_verified", "name", "title", "country", "ent", "pro", "iat", "nbf",
                "exp");
    }

    @EachDatabase
    void after_a_rotation_on_one_instance_the_other_verifies_its_new_tokens_and_signs_with_the_new_key_after_a_reload(
            Database db) {
        SigningKeys one = open(db, dataDir);
        SigningKeys two = open(db, otherDataDir);
        String oldKid = one.current().getKeyID();
        String before = new AccessTokens(two, ISSUER, clock).issue(ada, Optional.empty());

        String newKid = one.rotate();
        String after = new AccessTokens(one, ISSUER, clock).issue(ada, Optional.empty());
        // an unknown key id makes the other instance read the keys again, at once
        assertThat(verifyOn(two, after).userId()).isEqualTo("u-1");
        assertThat(verifyOn(one, before).userId()).isEqualTo("u-1");

        clock.advance(SigningKeys.RELOAD_EVERY);
        two.reload(); // what its worker does every 30 s
        assertThat(two.current().getKeyID()).isEqualTo(newKid);
        assertThat(two.publicKeys().getKeys()).extracting(k -> k.getKeyID()).containsExactly(newKid, oldKid);
        assertThat(one.list()).extracting(SigningKeys.KeyInfo::kid, SigningKeys.KeyInfo::current)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(newKid, true),
                        org.assertj.core.groups.Tuple.tuple(oldKid, false));
    }

    @EachDatabase
    void a_retired_key_signs_nothing_more_that_verifies_anywhere_and_retiring_waits_for_its_tokens_unless_forced(
            Database db) {
        SigningKeys one = open(db, dataDir);
        SigningKeys two = open(db, otherDataDir);
        String oldKid = one.current().getKeyID();
        String before = new AccessTokens(one, ISSUER, clock).issue(ada, Optional.empty());
        JwksTokenVerifier longLived = new JwksTokenVerifier(two::publicKeysWith, USERS, clock);
        assertThat(longLived.verify(before).userId()).isEqualTo("u-1");
        String newKid = one.rotate();

        assertThatThrownBy(() -> one.retire(newKid, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("current");
        assertThatThrownBy(() -> one.retire(oldKid, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--force");
        assertThatThrownBy(() -> one.retire("no-such-key", true)).isInstanceOf(IllegalArgumentException.class);

        one.retire(oldKid, true);
        assertThatThrownBy(() -> verifyOn(one, before)).isInstanceOf(Refusal.class);
        clock.advance(SigningKeys.RELOAD_EVERY);
        two.reload();
        assertThatThrownBy(() -> verifyOn(two, before)).isInstanceOf(Refusal.class);
        // a verifier that remembered the token forgets it once its key set is a minute old
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> longLived.verify(before)).isInstanceOfSatisfying(Refusal.class,
                e -> assertThat(e.code()).isEqualTo("invalid_token"));
        assertThat(one.publicKeys().getKeys()).extracting(k -> k.getKeyID()).containsExactly(newKid);
    }

    @EachDatabase
    void an_old_key_is_retired_without_force_once_its_tokens_have_expired(Database db) {
        SigningKeys keys = open(db, dataDir);
        String oldKid = keys.current().getKeyID();
        clock.advance(Duration.ofDays(30)); // long in use: only the time since the rotation counts
        keys.rotate();
        clock.advance(SigningKeys.TOKENS_OUTLIVE_KEY.plusSeconds(1));
        keys.retire(oldKid, false);
        assertThat(keys.list()).hasSize(1);
    }

    @EachDatabase
    void instances_starting_at_once_on_an_empty_database_end_with_one_current_key(Database db) throws Exception {
        db.migrate("accounts");
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Callable<String>> starts = java.util.stream.IntStream.range(0, n).<Callable<String>>mapToObj(i -> () -> {
                go.await();
                return SigningKeys.open(db, masterKey(), Files.createTempDirectory(dataDir, "i"), clock)
                        .current().getKeyID();
            }).toList();
            List<Future<String>> started = starts.stream().map(pool::submit).toList();
            go.countDown();
            Set<String> kids = started.stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).collect(Collectors.toSet());
            assertThat(kids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat((int) db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM signing_keys").mapTo(Integer.class)
                .one())).isEqualTo(1);
    }

    @EachDatabase
    void the_key_file_of_earlier_versions_is_imported_once_and_its_tokens_stay_valid(Database db) throws Exception {
        ECKeyFile file = new ECKeyFile(dataDir);
        JWKSet old = file.write(SigningKeys.generate(clock), SigningKeys.generate(clock));
        String kid = old.getKeys().get(0).getKeyID();
        String issuedBefore = tokenSignedBy(old);

        SigningKeys keys = open(db, dataDir);
        assertThat(keys.current().getKeyID()).isEqualTo(kid);
        assertThat(keys.publicKeys().getKeys()).hasSize(2);
        assertThat(verifyOn(keys, issuedBefore).userId()).isEqualTo("u-1");
        assertThat(Files.exists(dataDir.resolve("signing-keys.json"))).as("deleted once imported").isFalse();

        // another instance with its own old file: the database's keys win, its file is left alone
        new ECKeyFile(otherDataDir).write(SigningKeys.generate(clock));
        assertThat(open(db, otherDataDir).current().getKeyID()).isEqualTo(kid);
        assertThat(Files.exists(otherDataDir.resolve("signing-keys.json"))).isTrue();
    }

    @EachDatabase
    void an_old_key_file_without_private_keys_is_refused_at_start(Database db) throws Exception {
        Files.writeString(dataDir.resolve("signing-keys.json"),
                new JWKSet(SigningKeys.generate(clock)).toPublicJWKSet().toString(true));
        db.migrate("accounts");
        assertThatThrownBy(() -> SigningKeys.open(db, masterKey(), dataDir, clock))
                .isInstanceOf(IllegalStateException.class);
    }

    @EachDatabase
    void an_instance_with_another_master_key_cannot_open_the_signing_key(Database db) {
        open(db, dataDir);
        assertThatThrownBy(() -> SigningKeys.open(db, MasterKey.load(otherDataDir, Map.of()), otherDataDir, clock))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining("same master key");
    }

    private String tokenSignedBy(JWKSet set) {
        com.nimbusds.jose.jwk.ECKey key = (com.nimbusds.jose.jwk.ECKey) set.getKeys().get(0);
        return org.safelight.server.tokens.Es256Signatures.sign(new com.nimbusds.jose.JWSHeader.Builder(
                        com.nimbusds.jose.JWSAlgorithm.ES256).keyID(key.getKeyID())
                        .type(new com.nimbusds.jose.JOSEObjectType("at+jwt")).build(),
                new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("https://safelight.hospital.org")
                        .audience("https://safelight.hospital.org").subject("u-1").claim("email", "ada@hospital.org")
                        .issueTime(java.util.Date.from(clock.instant())).notBeforeTime(java.util.Date.from(clock.instant()))
                        .expirationTime(java.util.Date.from(clock.instant().plus(Duration.ofMinutes(15)))).build(), key);
    }

    /** The {@code signing-keys.json} earlier versions wrote. */
    private record ECKeyFile(Path dir) {
        JWKSet write(com.nimbusds.jose.jwk.ECKey... keys) throws java.io.IOException {
            JWKSet set = new JWKSet(List.of(keys));
            Files.writeString(dir.resolve("signing-keys.json"), set.toString(false));
            return set;
        }
    }
}
