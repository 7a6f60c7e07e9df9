package org.safelight.accounts.sends;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.safelight.accounts.internal.Secrets;

/**
 * The emails this server sent for each user to addresses they typed, over the last day (table
 * {@code server_emails}), so that no account turns the server into a spam relay; the limit holds
 * across every instance on one database. A slot is taken before the message is handed on and given
 * back when it was not. Under PostgreSQL's READ COMMITTED, requests racing at the limit may each
 * pass the count (by at most the user's concurrent requests). Thread-safe.
 */
public final class DailyEmails {
    static final Duration WINDOW = Duration.ofDays(1);

    private final Jdbi jdbi;

    public DailyEmails(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A slot taken: its id, or when the user may send again. */
    public sealed interface Slot {
        record Taken(String id) implements Slot {
        }

        record Full(Instant freeAt) implements Slot {
        }
    }

    /** Takes one of {@code perDay} slots of the day before {@code now}. */
    public Slot take(String userId, int perDay, Instant now) {
        return jdbi.inTransaction(h -> {
            long since = now.minus(WINDOW).toEpochMilli();
            long held = h.createQuery("SELECT COUNT(*) FROM server_emails WHERE user_id = :u AND sent_at > :since")
                    .bind("u", userId).bind("since", since).mapTo(Long.class).one();
            if (held >= perDay) {
                Optional<Long> oldest = h.createQuery("SELECT MIN(sent_at) FROM server_emails WHERE user_id = :u"
                                + " AND sent_at > :since")
                        .bind("u", userId).bind("since", since).mapTo(Long.class).findOne();
                return new Slot.Full(Instant.ofEpochMilli(oldest.orElse(now.toEpochMilli())).plus(WINDOW));
            }
            String id = Secrets.shortId();
            h.createUpdate("INSERT INTO server_emails (id, user_id, sent_at) VALUES (:id, :u, :at)")
                    .bind("id", id).bind("u", userId).bind("at", now.toEpochMilli()).execute();
            return new Slot.Taken(id);
        });
    }

    /** Gives a slot back (the message was not sent). */
    public void giveBack(String slotId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM server_emails WHERE id = :id").bind("id", slotId).execute());
    }

    /** @return how many records older than a day before {@code now} were deleted */
    public int purge(Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM server_emails WHERE sent_at <= :before")
                .bind("before", now.minus(WINDOW).toEpochMilli()).execute());
    }
}
