package org.safelight.accounts.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.safelight.accounts.AccountsRole;
import org.safelight.accounts.users.OneTimeTokens.Purpose;
import org.safelight.accounts.users.OneTimeTokens.Redemption.Status;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;

class OneTimeTokensContractTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @EachDatabase
    void a_token_is_redeemed_once_and_only_for_its_purpose(Database db) {
        db.migrate(AccountsRole.NAME);
        String userId = new UserStore(db.jdbi()).create(UserStoreContractTest.someone("a@example.org"), NOW)
                .orElseThrow().id();
        OneTimeTokens tokens = new OneTimeTokens(db.jdbi());
        tokens.add("h1", Purpose.VERIFY_EMAIL, userId, NOW, NOW.plus(Duration.ofHours(24)));

        assertThat(tokens.lookup("h1", Purpose.RESET_PASSWORD, NOW).status()).isEqualTo(Status.UNKNOWN);
        assertThat(tokens.redeem("h1", Purpose.RESET_PASSWORD, NOW).status()).isEqualTo(Status.UNKNOWN);
        assertThat(tokens.lookup("h1", Purpose.VERIFY_EMAIL, NOW))
                .isEqualTo(new OneTimeTokens.Redemption(Status.USABLE, userId));
        assertThat(tokens.redeem("h1", Purpose.VERIFY_EMAIL, NOW))
                .isEqualTo(new OneTimeTokens.Redemption(Status.REDEEMED, userId));
        assertThat(tokens.redeem("h1", Purpose.VERIFY_EMAIL, NOW).status()).isEqualTo(Status.USED);
        assertThat(tokens.lookup("h1", Purpose.VERIFY_EMAIL, NOW).status()).isEqualTo(Status.USED);
        assertThat(tokens.redeem("nope", Purpose.VERIFY_EMAIL, NOW).status()).isEqualTo(Status.UNKNOWN);
    }

    @EachDatabase
    void an_expired_token_is_refused_as_expired_and_purged_later(Database db) {
        db.migrate(AccountsRole.NAME);
        String userId = new UserStore(db.jdbi()).create(UserStoreContractTest.someone("a@example.org"), NOW)
                .orElseThrow().id();
        OneTimeTokens tokens = new OneTimeTokens(db.jdbi());
        Instant expiry = NOW.plus(Duration.ofHours(1));
        tokens.add("h1", Purpose.RESET_PASSWORD, userId, NOW, expiry);
        assertThat(tokens.lookup("h1", Purpose.RESET_PASSWORD, expiry).status()).isEqualTo(Status.EXPIRED);
        assertThat(tokens.redeem("h1", Purpose.RESET_PASSWORD, expiry).status()).isEqualTo(Status.EXPIRED);
        assertThat(tokens.purgeExpired(expiry.plusMillis(1))).isEqualTo(1);
        assertThat(tokens.lookup("h1", Purpose.RESET_PASSWORD, NOW).status()).isEqualTo(Status.UNKNOWN);
    }

    @EachDatabase
    void using_all_of_a_users_tokens_spends_only_that_users_tokens_of_that_purpose(Database db) {
        db.migrate(AccountsRole.NAME);
        UserStore users = new UserStore(db.jdbi());
        String a = users.create(UserStoreContractTest.someone("a@example.org"), NOW).orElseThrow().id();
        String b = users.create(UserStoreContractTest.someone("b@example.org"), NOW).orElseThrow().id();
        OneTimeTokens tokens = new OneTimeTokens(db.jdbi());
        Instant later = NOW.plus(Duration.ofHours(1));
        tokens.add("a1", Purpose.RESET_PASSWORD, a, NOW, later);
        tokens.add("a2", Purpose.RESET_PASSWORD, a, NOW, later);
        tokens.add("a3", Purpose.VERIFY_EMAIL, a, NOW, later);
        tokens.add("b1", Purpose.RESET_PASSWORD, b, NOW, later);
        tokens.useAll(a, Purpose.RESET_PASSWORD, NOW);
        assertThat(tokens.lookup("a1", Purpose.RESET_PASSWORD, NOW).status()).isEqualTo(Status.USED);
        assertThat(tokens.lookup("a2", Purpose.RESET_PASSWORD, NOW).status()).isEqualTo(Status.USED);
        assertThat(tokens.lookup("a3", Purpose.VERIFY_EMAIL, NOW).status()).isEqualTo(Status.USABLE);
        assertThat(tokens.lookup("b1", Purpose.RESET_PASSWORD, NOW).status()).isEqualTo(Status.USABLE);
    }
}
