package org.safelight.accounts.sends;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.safelight.accounts.internal.Secrets;

/**
 * The sends this server made for users over the last day (table {@code server_emails}, one row a
 * send, its {@code kind}), so that no account, and no crowd of accounts, turns the server into a
 * spam relay or a cannon: emails to typed addresses per user per day, every send per user per
 * hour, emails (typed and mailbox) of the whole server per hour. The counts hold across every
 * instance on one database. A slot is taken before the report is handed on and given back when it
 * was not. The user's row is locked first ({@code UPDATE users} of nothing), so on PostgreSQL a
 * user's racing requests count one after the other; SQLite writes one transaction at a time anyway.
 * The server-wide count takes no lock: racing users may pass it by their number. Thread-safe.
 */
public final class DailyEmails {
    static final Duration WINDOW = Duration.ofDays(1);
    static final Duration HOUR = Duration.ofHours(1);

    private final Jdbi jdbi;

    public DailyEmails(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** What a send is, for the counts. */
    public enum Kind {
        /** to an address the user typed: every count */
        EMAIL("email"),
        /** to an enterprise's mailbox: the hourly ones */
        MAILBOX("mailbox"),
        /** to an enterprise's endpoint: the user's hourly one */
        ENDPOINT("endpoint");

        final String code;

        Kind(String code) {
            this.code = code;
        }
    }

    /** Which count was full. */
    public enum Count { USER_DAY, USER_HOUR, SERVER_HOUR }

    /** The counts: typed-address emails per user per day, sends per user per hour, server emails per hour. */
    public record Caps(int emailsPerDay, int sendsPerHour, int serverEmailsPerHour) {
        static Caps of(SendLimits limits) {
            return new Caps(limits.emailsPerDay(), limits.sendsPerHour(), limits.serverEmailsPerHour());
        }
    }

    /** A slot taken: its id, or when the user may send again and which count was full. */
    public sealed interface Slot {
        record Taken(String id) implements Slot {
        }

        record Full(Instant freeAt, Count count) implements Slot {
        }
    }

    /** Takes a slot for one email to a typed address, of {@code perDay} in the day before {@code now}. */
    public Slot take(String userId, int perDay, Instant now) {
        return take(userId, Kind.EMAIL, new Caps(perDay, Integer.MAX_VALUE, Integer.MAX_VALUE), now);
    }

    /** Takes a slot for one send of {@code kind} within every count that applies to it. */
    public Slot take(String userId, Kind kind, Caps caps, Instant now) {
        return jdbi.inTransaction(h -> {
            // Locks the user's row until commit, so their parallel requests count in turn (READ COMMITTED
            // reads what the ones before committed).
            h.createUpdate("UPDATE users SET id = id WHERE id = :u").bind("u", userId).execute();
            if (kind == Kind.EMAIL) {
                Optional<Slot> full = full(h, "user_id = :u AND kind = 'email'", userId, now.minus(WINDOW),
                        caps.emailsPerDay(), WINDOW, Count.USER_DAY, now);
                if (full.isPresent()) {
                    return full.get();
                }
            }
            Optional<Slot> full = full(h, "user_id = :u", userId, now.minus(HOUR), caps.sendsPerHour(), HOUR,
                    Count.USER_HOUR, now);
            if (full.isEmpty() && kind != Kind.ENDPOINT) {
                full = full(h, "kind IN ('email', 'mailbox')", null, now.minus(HOUR), caps.serverEmailsPerHour(),
                        HOUR, Count.SERVER_HOUR, now);
            }
            if (full.isPresent()) {
                return full.get();
            }
            String id = Secrets.shortId();
            h.createUpdate("INSERT INTO server_emails (id, user_id, kind, sent_at) VALUES (:id, :u, :k, :at)")
                    .bind("id", id).bind("u", userId).bind("k", kind.code).bind("at", now.toEpochMilli()).execute();
            return new Slot.Taken(id);
        });
    }

    private static Optional<Slot> full(Handle h, String where, String userId, Instant since, int cap, Duration window,
                                       Count count, Instant now) {
        if (cap == Integer.MAX_VALUE) {
            return Optional.empty();
        }
        var held = h.createQuery("SELECT COUNT(*) FROM server_emails WHERE " + where + " AND sent_at > :since")
                .bind("since", since.toEpochMilli());
        if (userId != null) {
            held.bind("u", userId);
        }
        if (held.mapTo(Long.class).one() < cap) {
            return Optional.empty();
        }
        var oldest = h.createQuery("SELECT MIN(sent_at) FROM server_emails WHERE " + where + " AND sent_at > :since")
                .bind("since", since.toEpochMilli());
        if (userId != null) {
            oldest.bind("u", userId);
        }
        long at = oldest.mapTo(Long.class).findOne().orElse(now.toEpochMilli());
        return Optional.of(new Slot.Full(Instant.ofEpochMilli(at).plus(window), count));
    }

    /** Gives a slot back (the report was not sent). */
    public void giveBack(String slotId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM server_emails WHERE id = :id").bind("id", slotId).execute());
    }

    /** @return how many records older than a day before {@code now} were deleted */
    public int purge(Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM server_emails WHERE sent_at <= :before")
                .bind("before", now.minus(WINDOW).toEpochMilli()).execute());
    }
}
