package org.safelight.accounts.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.safelight.accounts.AccountsRole;
import org.safelight.accounts.tokens.RefreshTokens.Rotation.Outcome;
import org.safelight.accounts.users.NewUser;
import org.safelight.accounts.users.UserStore;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

class RefreshTokensContractTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant MONTH = NOW.plus(Duration.ofDays(30));

    private static String user(Database db, String email) {
        return new UserStore(db.jdbi()).create(new NewUser(email, "$argon2id$x", "A", "B", "", ""), NOW)
                .orElseThrow().id();
    }

    @EachDatabase
    void a_refresh_spends_the_token_and_its_successor_carries_on_the_family(DatabaseEngine engine,
                                                                           Supplier<Database> fresh) {
        try (Database db = fresh.get()) {
            db.migrate(AccountsRole.NAME);
            String u = user(db, "a@example.org");
            RefreshTokens tokens = new RefreshTokens(db.jdbi());
            tokens.add("t1", "fam", u, NOW, MONTH);
            RefreshTokens.Rotation first = tokens.rotate("t1", "t2", NOW, MONTH);
            assertThat(first).isEqualTo(new RefreshTokens.Rotation(Outcome.ROTATED, u, "fam", "t2"));
            assertThat(tokens.rotate("t2", "t3", NOW, MONTH).outcome()).isEqualTo(Outcome.ROTATED);
            assertThat(tokens.rotate("unknown", "x", NOW, MONTH).outcome()).isEqualTo(Outcome.UNKNOWN);
        }
    }

    @EachDatabase
    void presenting_a_spent_token_again_revokes_the_whole_family_but_no_other(DatabaseEngine engine,
                                                                             Supplier<Database> fresh) {
        try (Database db = fresh.get()) {
            db.migrate(AccountsRole.NAME);
            String u = user(db, "a@example.org");
            RefreshTokens tokens = new RefreshTokens(db.jdbi());
            tokens.add("t1", "fam", u, NOW, MONTH);
            tokens.add("other", "fam2", u, NOW, MONTH);
            tokens.rotate("t1", "t2", NOW, MONTH);
            Instant later = NOW.plus(RefreshTokens.GRACE).plusMillis(1);
            assertThat(tokens.rotate("t1", "stolen-successor", later, MONTH).outcome()).isEqualTo(Outcome.REUSED);
            assertThat(tokens.rotate("t2", "t3", later, MONTH).outcome()).isEqualTo(Outcome.REVOKED);
            assertThat(tokens.rotate("stolen-successor", "t4", later, MONTH).outcome()).isEqualTo(Outcome.UNKNOWN);
            assertThat(tokens.rotate("other", "other2", later, MONTH).outcome()).isEqualTo(Outcome.ROTATED);
        }
    }

    @EachDatabase
    void within_the_grace_a_spent_token_gets_the_same_successor_and_nothing_new(DatabaseEngine engine,
                                                                                Supplier<Database> fresh) {
        try (Database db = fresh.get()) {
            db.migrate(AccountsRole.NAME);
            String u = user(db, "a@example.org");
            RefreshTokens tokens = new RefreshTokens(db.jdbi());
            tokens.add("t1", "fam", u, NOW, MONTH);
            tokens.rotate("t1", "t2", NOW, MONTH);

            RefreshTokens.Rotation second = tokens.rotate("t1", "other", NOW.plus(RefreshTokens.GRACE), MONTH);

            assertThat(second).isEqualTo(new RefreshTokens.Rotation(Outcome.GRACE, u, "fam", "t2"));
            assertThat(tokens.rotate("other", "x", NOW, MONTH).outcome()).isEqualTo(Outcome.UNKNOWN);
            assertThat(tokens.rotate("t2", "t3", NOW, MONTH).outcome()).isEqualTo(Outcome.ROTATED);
        }
    }

    @EachDatabase
    void an_expired_token_cannot_be_refreshed(DatabaseEngine engine, Supplier<Database> fresh) {
        try (Database db = fresh.get()) {
            db.migrate(AccountsRole.NAME);
            String u = user(db, "a@example.org");
            RefreshTokens tokens = new RefreshTokens(db.jdbi());
            tokens.add("t1", "fam", u, NOW, MONTH);
            assertThat(tokens.rotate("t1", "t2", MONTH, MONTH.plus(Duration.ofDays(30))).outcome())
                    .isEqualTo(Outcome.EXPIRED);
            assertThat(tokens.purgeExpired(MONTH.plusMillis(1))).isEqualTo(1);
        }
    }

    @EachDatabase
    void signing_out_ends_one_family_and_a_password_change_ends_all_of_a_users(DatabaseEngine engine,
                                                                              Supplier<Database> fresh) {
        try (Database db = fresh.get()) {
            db.migrate(AccountsRole.NAME);
            String a = user(db, "a@example.org");
            String b = user(db, "b@example.org");
            RefreshTokens tokens = new RefreshTokens(db.jdbi());
            tokens.add("a1", "fa1", a, NOW, MONTH);
            tokens.add("a2", "fa2", a, NOW, MONTH);
            tokens.add("a3", "fa3", a, NOW, MONTH);
            tokens.add("b1", "fb1", b, NOW, MONTH);
            assertThat(tokens.revokeFamilyOf("a1", NOW)).isTrue();
            assertThat(tokens.revokeFamilyOf("nothing", NOW)).isFalse();
            assertThat(tokens.rotate("a1", "x", NOW, MONTH).outcome()).isEqualTo(Outcome.REVOKED);
            assertThat(tokens.revokeAllOf(a, NOW)).isEqualTo(2);
            assertThat(tokens.rotate("a2", "y", NOW, MONTH).outcome()).isEqualTo(Outcome.REVOKED);
            assertThat(tokens.rotate("a3", "z", NOW, MONTH).outcome()).isEqualTo(Outcome.REVOKED);
            assertThat(tokens.rotate("b1", "w", NOW, MONTH).outcome()).isEqualTo(Outcome.ROTATED);
        }
    }
}
