package org.safelight.accounts.sends;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.safelight.accounts.AccountsRole;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

/** The destinations and the daily email count, on SQLite and PostgreSQL through the same migrations. */
class SendStoresContractTest {
    private final MutableClock clock = new MutableClock();

    @EachDatabase
    void an_enterprises_destinations_are_its_own_and_leave_with_it(Database db) {
        db.migrate(AccountsRole.NAME);
        Enterprises enterprises = new Enterprises(db.jdbi(), clock);
        String ours = enterprises.create("St Vincent's", "it@stv.example", List.of("stv.example"), List.of());
        String theirs = enterprises.create("Northside", "it@north.example", List.of("north.example"), List.of());
        Destinations destinations = new Destinations(db.jdbi(), clock);

        Destination intake = destinations.add(ours, "Records", Destination.Kind.ENDPOINT, "https://intake.stv.example",
                "PEM").orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        Destination mailbox = destinations.add(ours, "Wound clinic", Destination.Kind.MAILBOX, "wounds@stv.example",
                null).orElseThrow();
        Destination other = destinations.add(theirs, "Their intake", Destination.Kind.ENDPOINT,
                "https://intake.north.example", null).orElseThrow();

        assertThat(destinations.of(ours)).containsExactly(intake, mailbox);
        assertThat(destinations.find(ours, mailbox.id())).contains(mailbox);
        assertThat(destinations.find(ours, other.id())).as("another enterprise's id finds nothing").isEmpty();
        assertThat(destinations.remove(ours, other.id())).isFalse();
        assertThat(destinations.find(theirs, other.id())).isPresent();
        assertThat(destinations.remove(ours, intake.id())).isTrue();
        assertThat(destinations.of(ours)).containsExactly(mailbox);
        assertThat(intake.toString()).doesNotContain("intake.stv.example");

        for (int i = destinations.of(theirs).size(); i < Destinations.MAX_PER_ENTERPRISE; i++) {
            assertThat(destinations.add(theirs, "n" + i, Destination.Kind.MAILBOX, "n@north.example", null)).isPresent();
        }
        assertThat(destinations.add(theirs, "one more", Destination.Kind.MAILBOX, "x@north.example", null)).isEmpty();
    }

    @EachDatabase
    void the_daily_count_frees_a_slot_a_day_after_it_was_taken_and_a_slot_given_back_frees_at_once(Database db) {
        db.migrate(AccountsRole.NAME);
        DailyEmails daily = new DailyEmails(db.jdbi());
        DailyEmails.Slot first = daily.take("ada", 2, clock.instant());
        assertThat(first).isInstanceOf(DailyEmails.Slot.Taken.class);
        clock.advance(Duration.ofHours(3));
        DailyEmails.Slot second = daily.take("ada", 2, clock.instant());
        assertThat(daily.take("bob", 2, clock.instant())).as("per user").isInstanceOf(DailyEmails.Slot.Taken.class);

        DailyEmails.Slot full = daily.take("ada", 2, clock.instant());
        assertThat(full).isEqualTo(new DailyEmails.Slot.Full(clock.instant().minus(Duration.ofHours(3))
                .plus(Duration.ofDays(1)), DailyEmails.Count.USER_DAY));
        daily.giveBack(((DailyEmails.Slot.Taken) second).id());
        DailyEmails.Slot again = daily.take("ada", 2, clock.instant());
        assertThat(again).isInstanceOf(DailyEmails.Slot.Taken.class);

        clock.advance(Duration.ofHours(21));
        assertThat(daily.take("ada", 2, clock.instant())).as("the first is a day old").isInstanceOf(
                DailyEmails.Slot.Taken.class);
        assertThat(daily.purge(clock.instant())).isEqualTo(1);
    }

    @EachDatabase
    void the_hourly_counts_cover_every_kind_of_send_for_the_user_and_emails_for_the_server(Database db) {
        db.migrate(AccountsRole.NAME);
        DailyEmails daily = new DailyEmails(db.jdbi());
        DailyEmails.Caps caps = new DailyEmails.Caps(50, 2, 3);
        assertThat(daily.take("ada", DailyEmails.Kind.ENDPOINT, caps, clock.instant())).isInstanceOf(
                DailyEmails.Slot.Taken.class);
        assertThat(daily.take("ada", DailyEmails.Kind.MAILBOX, caps, clock.instant())).isInstanceOf(
                DailyEmails.Slot.Taken.class);
        DailyEmails.Slot third = daily.take("ada", DailyEmails.Kind.EMAIL, caps, clock.instant());
        assertThat(third).as("the user's hour: endpoints and mailboxes count too").isEqualTo(
                new DailyEmails.Slot.Full(clock.instant().plus(Duration.ofHours(1)), DailyEmails.Count.USER_HOUR));

        assertThat(daily.take("bob", DailyEmails.Kind.EMAIL, caps, clock.instant())).isInstanceOf(
                DailyEmails.Slot.Taken.class);
        assertThat(daily.take("cy", DailyEmails.Kind.MAILBOX, caps, clock.instant())).isInstanceOf(
                DailyEmails.Slot.Taken.class);
        assertThat(daily.take("dee", DailyEmails.Kind.EMAIL, caps, clock.instant())).as("the server's hour")
                .isInstanceOf(DailyEmails.Slot.Full.class)
                .extracting(f -> ((DailyEmails.Slot.Full) f).count()).isEqualTo(DailyEmails.Count.SERVER_HOUR);
        assertThat(daily.take("dee", DailyEmails.Kind.ENDPOINT, caps, clock.instant())).as("posts send no mail")
                .isInstanceOf(DailyEmails.Slot.Taken.class);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(daily.take("dee", DailyEmails.Kind.EMAIL, caps, clock.instant())).isInstanceOf(
                DailyEmails.Slot.Taken.class);
    }

    /** Ten requests of one user at once with three left: exactly three get a slot (the row lock). */
    @EachDatabase
    void racing_requests_of_one_user_take_no_more_than_the_daily_count(Database db) throws Exception {
        db.migrate(AccountsRole.NAME);
        String ada = new org.safelight.accounts.users.UserStore(db.jdbi()).create(new org.safelight.accounts.users.NewUser(
                "ada@example.org", "$argon2id$x", "Ada", "L", "", ""), clock.instant()).orElseThrow().id();
        DailyEmails daily = new DailyEmails(db.jdbi());
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            List<java.util.concurrent.Future<DailyEmails.Slot>> tries = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                tries.add(pool.submit(() -> {
                    go.await();
                    return daily.take(ada, 3, clock.instant());
                }));
            }
            go.countDown();
            int taken = 0;
            for (var t : tries) {
                if (t.get(60, java.util.concurrent.TimeUnit.SECONDS) instanceof DailyEmails.Slot.Taken) {
                    taken++;
                }
            }
            assertThat(taken).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }
}
