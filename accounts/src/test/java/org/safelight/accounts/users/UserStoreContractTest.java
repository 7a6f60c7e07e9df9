package org.safelight.accounts.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.safelight.accounts.AccountsRole;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;

public class UserStoreContractTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    public static NewUser someone(String email) {
        return new NewUser(email, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g",
                "Ada", "Okafor", "Dr", "AU");
    }

    @EachDatabase
    void new_users_get_numbers_in_order_and_start_unverified(Database db) {
        db.migrate(AccountsRole.NAME);
        UserStore users = new UserStore(db.jdbi());
        User first = users.create(someone("a@example.org"), NOW).orElseThrow();
        User second = users.create(someone("b@example.org"), NOW).orElseThrow();
        assertThat(first.number()).isEqualTo(1);
        assertThat(second.number()).isEqualTo(2);
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(first.emailVerified()).isFalse();
        assertThat(users.findById(first.id())).contains(first);
    }

    @EachDatabase
    void a_second_account_for_an_address_is_refused_without_using_up_a_number(Database db) {
        db.migrate(AccountsRole.NAME);
        UserStore users = new UserStore(db.jdbi());
        users.create(someone("a@example.org"), NOW).orElseThrow();
        assertThat(users.create(someone("a@example.org"), NOW)).isEmpty();
        assertThat(users.create(someone("c@example.org"), NOW).orElseThrow().number()).isEqualTo(2);
    }

    @EachDatabase
    void verification_password_and_profile_changes_are_kept(Database db) {
        db.migrate(AccountsRole.NAME);
        UserStore users = new UserStore(db.jdbi());
        User u = users.create(someone("a@example.org"), NOW).orElseThrow();
        assertThat(users.verifiedAt(u.id())).isEmpty();
        assertThat(users.markEmailVerified(u.id(), NOW.plusSeconds(60))).isTrue();
        assertThat(users.markEmailVerified(u.id(), NOW.plusSeconds(120))).isFalse();
        assertThat(users.verifiedAt(u.id())).contains(NOW.plusSeconds(60));
        users.setPasswordHash(u.id(), "$argon2id$new");
        User changed = users.updateProfile(u.id(), "Grace", "Hopper", "Prof", "US").orElseThrow();
        assertThat(changed.emailVerified()).isTrue();
        assertThat(changed.passwordHash()).isEqualTo("$argon2id$new");
        assertThat(changed.name()).isEqualTo("Grace Hopper");
        assertThat(changed.title()).isEqualTo("Prof");
        assertThat(changed.country()).isEqualTo("US");
        assertThat(changed.createdAt()).isEqualTo(NOW);
        assertThat(users.findByEmail("a@example.org")).contains(changed);
        assertThat(users.updateProfile("nobody", "x", "y", "", "")).isEmpty();
    }

    @EachDatabase
    void concurrent_sign_ups_get_distinct_consecutive_numbers(Database db)
            throws Exception {
        db.migrate(AccountsRole.NAME);
        UserStore users = new UserStore(db.jdbi());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<User>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String email = "u" + i + "@example.org";
                futures.add(pool.submit(() -> users.create(someone(email), NOW).orElseThrow()));
            }
            List<Long> numbers = new ArrayList<>();
            for (Future<User> f : futures) {
                numbers.add(f.get().number());
            }
            assertThat(numbers).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @EachDatabase
    void a_sign_up_replaces_a_pending_account_with_its_links_and_sessions_but_never_a_verified_one(Database db) {
        db.migrate(AccountsRole.NAME);
        UserStore users = new UserStore(db.jdbi());
        OneTimeTokens links = new OneTimeTokens(db.jdbi());
        UserStore.SignUp pending = users.signUp(someone("a@example.org"), NOW);
        links.add("link", OneTimeTokens.Purpose.VERIFY_EMAIL, pending.user().id(), NOW, NOW.plusSeconds(3600));

        UserStore.SignUp again = users.signUp(new NewUser("a@example.org", "$argon2id$second", "B", "C", "", ""),
                NOW);

        assertThat(pending.outcome()).isEqualTo(UserStore.SignUp.Outcome.CREATED);
        assertThat(again.outcome()).isEqualTo(UserStore.SignUp.Outcome.REPLACED);
        assertThat(users.findById(pending.user().id())).isEmpty();
        assertThat(users.findByEmail("a@example.org").orElseThrow().passwordHash()).isEqualTo("$argon2id$second");
        assertThat(links.lookup("link", OneTimeTokens.Purpose.VERIFY_EMAIL, NOW).status())
                .isEqualTo(OneTimeTokens.Redemption.Status.UNKNOWN);

        users.markEmailVerified(again.user().id(), NOW);
        UserStore.SignUp taken = users.signUp(someone("a@example.org"), NOW);
        assertThat(taken.outcome()).isEqualTo(UserStore.SignUp.Outcome.TAKEN);
        assertThat(taken.user().id()).isEqualTo(again.user().id());
        assertThat(users.findByEmail("a@example.org").orElseThrow().passwordHash()).isEqualTo("$argon2id$second");
    }
}
