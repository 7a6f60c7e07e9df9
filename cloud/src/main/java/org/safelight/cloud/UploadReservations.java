package org.safelight.cloud;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.jdbi.v3.core.Handle;
import org.safelight.server.db.Database;
import org.safelight.server.http.Refusal;

/**
 * Bytes of uploads being stored now, per user, in the table {@code upload_reservations}, so that
 * every cloud instance on one database counts them against the user's quota before their rows
 * exist: two instances cannot together let a user past it. A reservation is made, and the quota
 * checked, in one transaction per user (on PostgreSQL under a transaction-scoped advisory lock on
 * the user; SQLite runs one writing transaction at a time); it is replaced by the report's row in
 * another. One left by an instance that died mid-upload stops counting after {@link #HOLD}, and
 * is deleted by the sweeper. Thread-safe.
 */
final class UploadReservations {
    /** How long a reservation counts at most: longer than storing the largest upload takes. */
    static final Duration HOLD = Duration.ofHours(1);

    private final Database db;
    private final Clock clock;

    UploadReservations(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Reserves {@code bytes} for {@code user} if what they hold, with what is reserved, leaves room
     * under {@code quota}; otherwise throws {@code refusal} of the bytes taken.
     *
     * @return the reservation's id, for {@link #release} or {@link #settle}
     */
    String reserve(String user, long bytes, long quota, LongFunction<Refusal> refusal) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        db.jdbi().useTransaction(h -> {
            lock(h, user);
            long taken = CloudReports.bytesHeldBy(h, user, now) + reserved(h, user, now);
            if (taken + bytes > quota) {
                throw refusal.apply(taken);
            }
            h.createUpdate("INSERT INTO upload_reservations (id, user_id, bytes, expires_at)"
                            + " VALUES (:id, :user, :bytes, :expires)")
                    .bind("id", id).bind("user", user).bind("bytes", bytes)
                    .bind("expires", now + HOLD.toMillis()).execute();
        });
        return id;
    }

    /** The bytes reserved for {@code user} now, by every instance. */
    long reserved(String user) {
        return db.jdbi().withHandle(h -> reserved(h, user, clock.millis()));
    }

    /** Gives a reservation back: the upload was refused or failed. */
    void release(String id) {
        db.jdbi().useHandle(h -> h.createUpdate("DELETE FROM upload_reservations WHERE id = :id").bind("id", id)
                .execute());
    }

    /**
     * Runs {@code insertRow} (the upload's row) and drops the reservation in one transaction, so a
     * quota check never counts the upload twice nor not at all.
     */
    void settle(String id, String user, Consumer<Handle> insertRow) {
        db.jdbi().useTransaction(h -> {
            lock(h, user);
            insertRow.accept(h);
            h.createUpdate("DELETE FROM upload_reservations WHERE id = :id").bind("id", id).execute();
        });
    }

    /** Deletes the reservations that no longer count (of instances that died mid-upload). */
    int purgeExpired() {
        return db.jdbi().withHandle(h -> h.createUpdate("DELETE FROM upload_reservations WHERE expires_at <= :now")
                .bind("now", clock.millis()).execute());
    }

    private static long reserved(Handle h, String user, long now) {
        return h.createQuery("SELECT COALESCE(SUM(bytes), 0) FROM upload_reservations"
                        + " WHERE user_id = :user AND expires_at > :now")
                .bind("user", user).bind("now", now).mapTo(Long.class).one();
    }

    /** One quota decision per user at a time, across instances (SQLite's writing transactions are serial already). */
    private void lock(Handle h, String user) {
        if (db.dialect() == Database.Dialect.POSTGRES) {
            h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) AS locked").bind("key", lockKey(user))
                    .mapTo(Integer.class).one();
        }
    }

    private static long lockKey(String user) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("cloud-quota:" + user)
                    .getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = key << 8 | (d[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
