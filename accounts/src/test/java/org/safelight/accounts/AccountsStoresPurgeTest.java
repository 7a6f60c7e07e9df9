package org.safelight.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Supplier;
import org.safelight.accounts.tokens.RefreshTokens;
import org.safelight.accounts.users.OneTimeTokens.Purpose;
import org.safelight.accounts.users.OneTimeTokens.Redemption.Status;
import org.safelight.accounts.users.UserStoreContractTest;
import org.safelight.server.db.Database;
import org.safelight.server.testing.DatabaseEngine;
import org.safelight.server.testing.EachDatabase;

class AccountsStoresPurgeTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @EachDatabase
    void purging_deletes_expired_one_time_and_refresh_tokens_and_keeps_live_ones(DatabaseEngine engine,
                                                                                 Supplier<Database> fresh) {
        try (Database db = fresh.get()) {
            AccountsStores stores = AccountsStores.open(db, Clock.fixed(NOW, ZoneOffset.UTC));
            String user = stores.users().create(UserStoreContractTest.someone("a@example.org"), NOW).orElseThrow().id();
            Instant hour = NOW.plus(Duration.ofHours(1));
            Instant month = NOW.plus(Duration.ofDays(30));
            stores.oneTimeTokens().add("spent", Purpose.VERIFY_EMAIL, user, NOW, hour);
            stores.oneTimeTokens().add("live", Purpose.RESET_PASSWORD, user, NOW, month);
            stores.refreshTokens().add("old", "fam1", user, NOW, hour);
            stores.refreshTokens().add("current", "fam2", user, NOW, month);

            assertThat(stores.purgeExpired(hour.plusSeconds(1))).isEqualTo(2);

            assertThat(stores.oneTimeTokens().lookup("spent", Purpose.VERIFY_EMAIL, NOW).status())
                    .isEqualTo(Status.UNKNOWN);
            assertThat(stores.oneTimeTokens().lookup("live", Purpose.RESET_PASSWORD, NOW).status())
                    .isEqualTo(Status.USABLE);
            assertThat(stores.refreshTokens().rotate("old", "x", NOW, month).outcome())
                    .isEqualTo(RefreshTokens.Rotation.Outcome.UNKNOWN);
            assertThat(stores.refreshTokens().rotate("current", "next", NOW, month).outcome())
                    .isEqualTo(RefreshTokens.Rotation.Outcome.ROTATED);
        }
    }
}
