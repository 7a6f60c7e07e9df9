package org.safelight.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.http.Refusal;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

/** Rate limits kept in the database: the same answers as in process, and one bucket for every instance. */
class SharedRateLimiterTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dataDir;
    @TempDir
    Path otherDataDir;

    /** The deployment's master key, read afresh each time as another instance would. */
    private MasterKey masterKey() {
        return MasterKey.load(dataDir, Map.of());
    }

    private static int rows(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM rate_buckets").mapTo(Integer.class).one());
    }

    @EachDatabase
    void a_bucket_in_the_database_answers_as_one_in_process_does(Database db) {
        db.migrate(Database.SHARED);
        List<RateLimiter> both = List.of(new RateLimiter(3, 0.5, clock), RateLimiter.shared(db, masterKey(), "t", 3, 0.5, clock));
        for (RateLimiter limiter : both) {
            assertThat(limiter.available("ip-1")).isEqualTo(3);
            for (int i = 0; i < 3; i++) {
                limiter.acquire("ip-1", "sign-ins");
            }
            assertThat(limiter.available("ip-1")).as("looking takes nothing").isZero();
            assertThatThrownBy(() -> limiter.acquire("ip-1", "sign-ins")).isInstanceOfSatisfying(Refusal.class, e -> {
                assertThat(e.errorCode().status()).isEqualTo(429);
                assertThat(e.retryAfterSeconds()).isEqualTo(2);
            });
            assertThatThrownBy(() -> limiter.refuseIfExhausted("ip-1", "failures")).isInstanceOf(Refusal.class);
            assertThatCode(() -> limiter.acquire("ip-2", "sign-ins")).doesNotThrowAnyException();
            assertThatCode(() -> limiter.refuseIfExhausted("ip-3", "failures")).doesNotThrowAnyException();
            assertThat(limiter.available("ip-3")).as("refuseIfExhausted takes nothing").isEqualTo(3);
            clock.advance(Duration.ofSeconds(2));
            assertThat(limiter.available("ip-1")).isEqualTo(1);
            assertThatCode(() -> limiter.acquire("ip-1", "sign-ins")).doesNotThrowAnyException();
            clock.advance(Duration.ofHours(1));
            assertThat(limiter.available("ip-1")).as("never more than the capacity").isEqualTo(3);
        }
    }

    @EachDatabase
    void two_instances_on_one_database_draw_from_one_bucket(Database db) {
        db.migrate(Database.SHARED);
        RateLimiter one = RateLimiter.shared(db, masterKey(), "keys.requests", 4, 0.001, clock);
        RateLimiter two = RateLimiter.shared(db, masterKey(), "keys.requests", 4, 0.001, clock);
        RateLimiter otherLimit = RateLimiter.shared(db, masterKey(), "cloud.uploads", 4, 0.001, clock);
        one.acquire("user-1", "key requests");
        one.acquire("user-1", "key requests");
        two.acquire("user-1", "key requests");
        assertThat(one.available("user-1")).isEqualTo(1);
        two.acquire("user-1", "key requests");
        assertThatThrownBy(() -> one.acquire("user-1", "key requests")).isInstanceOf(Refusal.class);
        assertThat(otherLimit.available("user-1")).as("limiters are apart by name").isEqualTo(4);
    }

    @EachDatabase
    void takes_at_once_from_many_threads_never_give_more_than_the_capacity(Database db) throws Exception {
        db.migrate(Database.SHARED);
        int capacity = 20;
        List<RateLimiter> instances = List.of(RateLimiter.shared(db, masterKey(), "t", capacity, 0.0001, clock),
                RateLimiter.shared(db, masterKey(), "t", capacity, 0.0001, clock));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                RateLimiter limiter = instances.get(i % 2);
                attempts.add(pool.submit(() -> {
                    try {
                        limiter.acquire("same", "things");
                        return true;
                    } catch (Refusal e) {
                        return false;
                    }
                }));
            }
            long granted = 0;
            for (Future<Boolean> f : attempts) {
                granted += f.get() ? 1 : 0;
            }
            assertThat(granted).isEqualTo(capacity);
        } finally {
            pool.shutdownNow();
        }
    }

    @EachDatabase
    void buckets_that_have_filled_up_again_are_deleted(Database db) {
        db.migrate(Database.SHARED);
        RateLimiter limiter = RateLimiter.shared(db, masterKey(), "t", 2, 1, clock);
        limiter.acquire("ada@hospital.org", "sign-ins");
        assertThat(rows(db)).isEqualTo(1);
        String stored = db.jdbi().withHandle(h -> h.createQuery("SELECT bucket_key FROM rate_buckets")
                .mapTo(String.class).one());
        assertThat(stored).doesNotContain("ada");
        clock.advance(Duration.ofMinutes(2));
        limiter.acquire("someone-else", "sign-ins");
        assertThat(rows(db)).as("the full bucket went, the new one is there").isEqualTo(1);
    }

    @EachDatabase
    void the_engine_decides_sqlite_keeps_buckets_in_process_postgres_in_the_database(Database db,
                                                                                     DatabaseEngine engine) {
        db.migrate(Database.SHARED);
        RateLimiter.forDatabase(db, this::masterKey, "t", 2, 1, clock).acquire("k", "things");
        assertThat(rows(db)).isEqualTo(engine == DatabaseEngine.POSTGRES ? 1 : 0);
    }

    @EachDatabase
    void an_address_is_stored_as_a_keyed_hash_that_trying_candidates_does_not_find_yet_instances_share_its_bucket(
            Database db) throws Exception {
        db.migrate(Database.SHARED);
        RateLimiter one = RateLimiter.shared(db, masterKey(), "accounts.mail-per-address", 2, 0.001, clock);
        RateLimiter two = RateLimiter.shared(db, masterKey(), "accounts.mail-per-address", 2, 0.001, clock);
        one.acquire("ada@hospital.org", "messages");
        two.acquire("ada@hospital.org", "messages");
        assertThatThrownBy(() -> one.acquire("ada@hospital.org", "messages")).isInstanceOf(Refusal.class);
        assertThat(rows(db)).as("one bucket for both instances").isEqualTo(1);

        String stored = db.jdbi().withHandle(h -> h.createQuery("SELECT bucket_key FROM rate_buckets")
                .mapTo(String.class).one());
        byte[] sha256 = MessageDigest.getInstance("SHA-256").digest("ada@hospital.org".getBytes(StandardCharsets.UTF_8));
        assertThat(stored).doesNotContain("ada")
                .isNotEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(sha256))
                .isNotEqualTo(Base64.getEncoder().encodeToString(sha256))
                .isNotEqualToIgnoringCase(HexFormat.of().formatHex(sha256));
        String secret = db.jdbi().withHandle(h -> h.createQuery("SELECT value FROM server_state WHERE name = :n")
                .bind("n", BucketKeys.STATE_NAME).mapTo(String.class).one());
        assertThat(masterKey().open(secret, BucketKeys.AAD)).as("kept sealed under the master key").hasSize(32);
    }

    @EachDatabase
    void a_secret_sealed_under_an_earlier_master_key_is_replaced_and_limits_go_on(Database db) {
        db.migrate(Database.SHARED);
        RateLimiter.shared(db, MasterKey.load(otherDataDir, Map.of()), "t", 2, 1, clock).acquire("k", "things");
        RateLimiter limiter = RateLimiter.shared(db, masterKey(), "t", 2, 1, clock);
        assertThatCode(() -> limiter.acquire("k", "things")).doesNotThrowAnyException();
        String secret = db.jdbi().withHandle(h -> h.createQuery("SELECT value FROM server_state WHERE name = :n")
                .bind("n", BucketKeys.STATE_NAME).mapTo(String.class).one());
        assertThat(masterKey().open(secret, BucketKeys.AAD)).hasSize(32);
    }

    @EachDatabase
    void during_a_master_key_rotation_a_limiter_opens_the_stored_secret_without_sealing_anything(Database db) {
        db.migrate(Database.SHARED);
        RateLimiter.shared(db, masterKey(), "t", 2, 1, clock).acquire("k", "things"); // the secret is stored
        MasterKey rotating = masterKey();
        rotating.refuseSealing("a master key rotation is under way");
        RateLimiter limiter = RateLimiter.shared(db, rotating, "t", 2, 1, clock);
        assertThatCode(() -> limiter.acquire("k", "things")).as("a sign-in stores nothing: no 503")
                .doesNotThrowAnyException();
    }
}
