package org.safelight.accounts.storage;

import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;

/**
 * Each user's uploads to Box and Dropbox, limited in the database so that every instance of the
 * accounts role shares the limits: one upload at a time ({@code storage_upload_slots}, whose primary
 * key refuses a second row) and a count per hour ({@code storage_uploads}). Thread-safe.
 */
final class UploadSlots {
    /** A slot held longer than this belongs to an instance that died mid-upload. */
    static final Duration STALE = Duration.ofHours(1);
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private final Jdbi jdbi;
    private final int perHour;
    private final Clock clock;

    UploadSlots(Jdbi jdbi, int perHour, Clock clock) {
        this.jdbi = jdbi;
        this.perHour = perHour;
        this.clock = clock;
    }

    /**
     * Takes the user's slot and counts the upload.
     *
     * @return what gives the slot back (close it when the upload ended, however it ended)
     * @throws Refusal {@code rate_limited} when an upload of the user is still going on, or the hour's
     *                 uploads are used up (with Retry-After)
     */
    Slot take(String userId) {
        long now = clock.millis();
        boolean taken = jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM storage_upload_slots WHERE user_id = :u AND started_at < :stale")
                    .bind("u", userId).bind("stale", now - STALE.toMillis()).execute();
            // A conflict means another upload holds the slot; no exception, so the transaction stays usable
            // on PostgreSQL too.
            return h.createUpdate("INSERT INTO storage_upload_slots (user_id, started_at) VALUES (:u, :now)"
                            + " ON CONFLICT (user_id) DO NOTHING")
                    .bind("u", userId).bind("now", now).execute() == 1;
        });
        if (!taken) {
            throw new Refusal(ErrorCode.RATE_LIMITED,
                    "Another report of yours is on its way to a storage service: wait until it is there.", 10);
        }
        try {
            // Only the holder of the slot gets here, so the count and the insert cannot race for one user.
            Long oldest = jdbi.inTransaction(h -> {
                h.createUpdate("DELETE FROM storage_uploads WHERE started_at < :day")
                        .bind("day", now - 24 * HOUR).execute();
                int used = h.createQuery("SELECT COUNT(*) FROM storage_uploads WHERE user_id = :u AND started_at > :hour")
                        .bind("u", userId).bind("hour", now - HOUR).mapTo(Integer.class).one();
                if (used >= perHour) {
                    return h.createQuery("SELECT MIN(started_at) FROM storage_uploads WHERE user_id = :u"
                                    + " AND started_at > :hour")
                            .bind("u", userId).bind("hour", now - HOUR).mapTo(Long.class).one();
                }
                h.createUpdate("INSERT INTO storage_uploads (user_id, started_at) VALUES (:u, :now)")
                        .bind("u", userId).bind("now", now).execute();
                return null;
            });
            if (oldest != null) {
                int seconds = (int) Math.max(1, (oldest + HOUR - now + 999) / 1000);
                throw new Refusal(ErrorCode.RATE_LIMITED, "You sent " + perHour
                        + " reports to storage services in the last hour: try again in " + seconds + " s.", seconds);
            }
        } catch (RuntimeException e) {
            release(userId, now);
            throw e;
        }
        return () -> release(userId, now);
    }

    /** A held slot; closing gives it back. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private void release(String userId, long startedAt) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM storage_upload_slots WHERE user_id = :u AND started_at = :t")
                .bind("u", userId).bind("t", startedAt).execute());
    }
}
