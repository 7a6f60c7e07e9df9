package org.safelight.endpoint.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.safelight.client.fhir.CreatedResources;
import org.safelight.endpoint.delivery.Answers;
import org.safelight.endpoint.delivery.Question;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.SealedColumn;
import org.safelight.server.crypto.SealedSecrets;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.server.db.Database;

/**
 * The endpoint's pipeline state in the database: a row per received report and per report and
 * destination. Work is shared by claiming: a worker takes one due report in a short transaction
 * ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL, so several instances never take the same row;
 * SQLite's immediate transactions serialise claims) and moves its next attempt a lease ahead. A
 * worker that dies leaves the report to come due again when the lease ends; results are recorded
 * only under the claim that took it. Thread-safe.
 */
public final class EndpointStore {
    /** The sealed questions, answers and FHIR references, for a master key rotation. */
    public static final List<SealedSecrets> SEALED = List.of(
            new SealedColumn("endpoint questions", "endpoint_deliveries", List.of("report_id", "destination"),
                    "question", key -> aad(key.get(0), key.get(1), "question")),
            new SealedColumn("endpoint answers", "endpoint_deliveries", List.of("report_id", "destination"),
                    "answers", key -> aad(key.get(0), key.get(1), "answers")),
            new SealedColumn("endpoint FHIR references", "endpoint_fhir_resources",
                    List.of("report_id", "destination", "item_key"), "reference",
                    key -> aad(key.get(0), key.get(1), "resource/" + key.get(2))));
    /** A new report to record. */
    public record NewReport(String reportId, Arrival arrival, String kind, long size, String sha256,
                            String storedAs, ReceivedFiles.AtRest atRest) {
    }

    /** What the intake needs to know of a report already received. */
    public record Existing(String reportId, String sha256) {
    }

    /** A report a worker has claimed, with what it needs to open it and the deliveries now due. */
    public record Claim(String token, String reportId, String state, Arrival arrival, String kind, long size,
                        String sha256, String storedAs, ReceivedFiles.AtRest atRest, int openAttempts,
                        List<DueDelivery> due) {
    }

    /** A pending delivery of a claimed report, with what people answered for it so far. */
    public record DueDelivery(String destination, int attempts, Answers answers) {
        public DueDelivery(String destination, int attempts) {
            this(destination, attempts, Answers.NONE);
        }
    }

    /** A sender's Practitioner as the institution's admins set it. */
    public record PractitionerMapping(String senderEmail, String reference, Optional<String> display, String setBy,
                                      Instant setAt) {
    }

    private final Database db;
    private final Optional<MasterKey> master;

    /** A store that cannot keep questions for a person (no master key to seal them under). */
    public EndpointStore(Database db) {
        this(db, null);
    }

    /** @param master seals the questions deliveries wait on (they name patients) */
    public EndpointStore(Database db, MasterKey master) {
        this.db = db;
        this.master = Optional.ofNullable(master);
    }

    public Database database() {
        return db;
    }

    public Optional<Existing> existing(String reportId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "SELECT report_id, sha256 FROM endpoint_reports WHERE report_id = :id")
                .bind("id", reportId)
                .map((rs, ctx) -> new Existing(rs.getString(1), rs.getString(2))).findOne());
    }

    /**
     * Records a received report and one pending delivery per destination, in one transaction.
     *
     * @return false when a report with that ID was recorded first (nothing changed)
     */
    public boolean insert(NewReport r, List<String> destinations) {
        long now = r.arrival().at().toEpochMilli();
        return db.jdbi().inTransaction(h -> {
            int inserted = h.createUpdate("INSERT INTO endpoint_reports (report_id, sender_email, sender_verified,"
                            + " source, reference, received_at, kind, size, sha256, stored_as, at_rest, state,"
                            + " open_attempts, next_attempt_at) VALUES (:id, :email, :verified, :source, :ref, :at,"
                            + " :kind, :size, :sha, :stored, :rest, 'received', 0, :at)"
                            + " ON CONFLICT (report_id) DO NOTHING")
                    .bind("id", r.reportId())
                    .bind("email", r.arrival().senderEmail().strip().toLowerCase(java.util.Locale.ROOT))
                    .bind("verified", r.arrival().senderVerified() ? 1 : 0)
                    .bind("source", r.arrival().source().name()).bind("ref", r.arrival().reference())
                    .bind("at", now).bind("kind", r.kind()).bind("size", r.size()).bind("sha", r.sha256())
                    .bind("stored", r.storedAs()).bind("rest", r.atRest().column()).execute();
            if (inserted == 0) {
                return false;
            }
            for (String destination : destinations) {
                h.createUpdate("INSERT INTO endpoint_deliveries (report_id, destination, status, attempts,"
                                + " next_attempt_at) VALUES (:id, :dest, 'pending', 0, :at)")
                        .bind("id", r.reportId()).bind("dest", destination).bind("at", now).execute();
            }
            return true;
        });
    }

    /**
     * Claims the report whose next attempt is the earliest at or before {@code now}, moving that
     * attempt to {@code leaseUntil}; empty when nothing is due.
     */
    public Optional<Claim> claimDue(Instant now, Instant leaseUntil) {
        String lock = db.dialect() == Database.Dialect.POSTGRES ? " FOR UPDATE SKIP LOCKED" : "";
        String token = UUID.randomUUID().toString();
        return db.jdbi().inTransaction(h -> {
            Optional<String> id = h.createQuery("SELECT report_id FROM endpoint_reports"
                            + " WHERE next_attempt_at <= :now ORDER BY next_attempt_at LIMIT 1" + lock)
                    .bind("now", now.toEpochMilli()).mapTo(String.class).findOne();
            if (id.isEmpty()) {
                return Optional.<Claim>empty();
            }
            h.createUpdate("UPDATE endpoint_reports SET next_attempt_at = :lease, claim = :token WHERE report_id = :id")
                    .bind("lease", leaseUntil.toEpochMilli()).bind("token", token).bind("id", id.get()).execute();
            List<DueDelivery> due = h.createQuery("SELECT destination, attempts, answers FROM endpoint_deliveries"
                            + " WHERE report_id = :id AND status = 'pending' AND next_attempt_at <= :now"
                            + " ORDER BY destination")
                    .bind("id", id.get()).bind("now", now.toEpochMilli())
                    .map((rs, ctx) -> new DueDelivery(rs.getString(1), rs.getInt(2),
                            openAnswers(id.get(), rs.getString(1), rs.getString(3))))
                    .list();
            return h.createQuery("SELECT report_id, state, sender_email, sender_verified, source, reference,"
                            + " received_at, kind, size, sha256, stored_as, at_rest, open_attempts"
                            + " FROM endpoint_reports WHERE report_id = :id")
                    .bind("id", id.get())
                    .map((rs, ctx) -> new Claim(token, rs.getString(1), rs.getString(2),
                            new Arrival(Arrival.Source.valueOf(rs.getString(5)), rs.getString(3), rs.getInt(4) == 1,
                                    rs.getString(6), Instant.ofEpochMilli(rs.getLong(7))),
                            rs.getString(8), rs.getLong(9), rs.getString(10), rs.getString(11),
                            ReceivedFiles.AtRest.of(rs.getString(12)), rs.getInt(13), due))
                    .findOne();
        });
    }

    /** Moves the claim's lease on, for a report whose work takes long; false when the claim was lost. */
    public boolean extend(Claim claim, Instant leaseUntil) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE endpoint_reports SET next_attempt_at = :lease"
                        + " WHERE report_id = :id AND claim = :token")
                .bind("lease", leaseUntil.toEpochMilli()).bind("id", claim.reportId()).bind("token", claim.token())
                .execute()) == 1;
    }

    /**
     * Ends every claim now: for a process that knows no other worker can hold one (SQLite: one
     * server per database file), at start, so the reports a killed predecessor held do not wait for
     * their leases to end.
     *
     * @return how many claims were ended
     */
    public int releaseAllClaims(Instant now) {
        return db.jdbi().withHandle(h -> h.createUpdate("UPDATE endpoint_reports SET next_attempt_at = :now, claim = NULL"
                + " WHERE claim IS NOT NULL").bind("now", now.toEpochMilli()).execute());
    }

    /** Opening failed: the report waits until {@code retryAt}, or is parked when that is null. */
    public void openFailed(Claim claim, String error, Instant retryAt) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE endpoint_reports SET state = :state,"
                        + " open_attempts = open_attempts + 1, last_error = :error, next_attempt_at = :next, claim = NULL"
                        + " WHERE report_id = :id AND claim = :token")
                .bind("state", retryAt == null ? "parked" : "waiting").bind("error", error)
                .bind("next", retryAt == null ? null : retryAt.toEpochMilli())
                .bind("id", claim.reportId()).bind("token", claim.token()).execute());
    }

    /** The report opened and verified; the claim is kept for its deliveries. */
    public void opened(Claim claim, Instant at) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE endpoint_reports SET state = 'opened', last_error = NULL,"
                        + " opened_at = COALESCE(opened_at, :at) WHERE report_id = :id AND claim = :token")
                .bind("at", at.toEpochMilli()).bind("id", claim.reportId()).bind("token", claim.token()).execute());
    }

    /** A delivery happened. */
    public void delivered(Claim claim, String destination, Instant at) {
        db.jdbi().useTransaction(h -> {
            if (holds(h, claim)) {
                h.createUpdate("UPDATE endpoint_deliveries SET status = 'delivered', attempts = attempts + 1,"
                                + " next_attempt_at = NULL, last_error = NULL, delivered_at = :at"
                                + " WHERE report_id = :id AND destination = :dest")
                        .bind("at", at.toEpochMilli()).bind("id", claim.reportId()).bind("dest", destination).execute();
            }
        });
    }

    /** A delivery failed: retried at {@code retryAt}, or parked when that is null. */
    public void deliveryFailed(Claim claim, String destination, String error, Instant retryAt) {
        notDelivered(claim, destination, error, retryAt, 1);
    }

    /**
     * The delivery is put off to {@code retryAt} for a reason that is not the destination's (this
     * server cannot seal just now): status {@code pending}, attempts unchanged, {@code why} as the last error.
     */
    public void deliveryPostponed(Claim claim, String destination, String why, Instant retryAt) {
        notDelivered(claim, destination, why, java.util.Objects.requireNonNull(retryAt, "retryAt"), 0);
    }

    /** Pending again at {@code retryAt} (parked when null), {@code counted} more attempts, {@code error} kept. */
    private void notDelivered(Claim claim, String destination, String error, Instant retryAt, int counted) {
        db.jdbi().useTransaction(h -> {
            if (holds(h, claim)) {
                h.createUpdate("UPDATE endpoint_deliveries SET status = :status, attempts = attempts + :counted,"
                                + " next_attempt_at = :next, last_error = :error"
                                + " WHERE report_id = :id AND destination = :dest")
                        .bind("status", retryAt == null ? "parked" : "pending").bind("counted", counted)
                        .bind("next", retryAt == null ? null : retryAt.toEpochMilli()).bind("error", error)
                        .bind("id", claim.reportId()).bind("dest", destination).execute();
            }
        });
    }

    /**
     * The delivery waits for a person: status {@code needs_person}, no next attempt (it is never
     * retried by itself), attempts unchanged, the question kept sealed under the master key and its
     * one sentence (which names no patient) as the last error. An admin's answer makes it due again.
     */
    public void needsPerson(Claim claim, String destination, Question question) {
        String sealed = seal(claim.reportId(), destination, question);
        db.jdbi().useTransaction(h -> {
            if (holds(h, claim)) {
                h.createUpdate("UPDATE endpoint_deliveries SET status = 'needs_person', next_attempt_at = NULL,"
                                + " last_error = :error, question = :question"
                                + " WHERE report_id = :id AND destination = :dest")
                        .bind("error", question.message()).bind("question", sealed)
                        .bind("id", claim.reportId()).bind("dest", destination).execute();
            }
        });
    }

    /** The question a delivery waits on, opened; empty when it waits for none. */
    public Optional<Question> question(String reportId, String destination) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT question FROM endpoint_deliveries"
                        + " WHERE report_id = :id AND destination = :dest AND status = 'needs_person'")
                .bind("id", reportId).bind("dest", destination).mapTo(String.class).findOne())
                .flatMap(sealed -> open(reportId, destination, sealed));
    }

    String seal(String reportId, String destination, Question question) {
        MasterKey key = master.orElseThrow(() -> new IllegalStateException(
                "this endpoint store has no master key to keep a question for a person under"));
        return key.seal(Questions.json(question).getBytes(StandardCharsets.UTF_8), aad(reportId, destination, "question"));
    }

    Optional<Question> open(String reportId, String destination, String sealed) {
        if (sealed == null || master.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Questions.parse(new String(master.get().open(sealed, aad(reportId, destination,
                    "question")), StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            // Another master key, or an altered row: the delivery still shows, without its question.
            return Optional.empty();
        }
    }

    /**
     * What people answered for a delivery, sealed for its {@code answers} column: it links the
     * report to a patient record, so it is kept like the question.
     */
    String sealAnswers(String reportId, String destination, Answers answers) {
        MasterKey key = master.orElseThrow(() -> new IllegalStateException(
                "this endpoint store has no master key to keep answers under"));
        return key.seal(Questions.json(answers).getBytes(StandardCharsets.UTF_8), aad(reportId, destination, "answers"));
    }

    /**
     * The answers column opened; none when it is empty, or does not open here (another master key,
     * an altered row, or no master key): the destination then asks again.
     */
    Answers openAnswers(String reportId, String destination, String sealed) {
        if (sealed == null || sealed.isBlank() || master.isEmpty()) {
            return Answers.NONE;
        }
        try {
            return Questions.answers(new String(master.get().open(sealed, aad(reportId, destination, "answers")),
                    StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Answers.NONE;
        }
    }

    /** Binds a sealed value to its report, destination and column: copied onto another row, it does not open. */
    private static String aad(String reportId, String destination, String column) {
        return reportId + "/" + destination + "/" + column;
    }

    /**
     * What a destination created on its server for a report, kept in the database, each reference
     * sealed under the master key for its report, destination and key (the {@code patient} one
     * links the report to a patient record). One that does not open here counts as not created.
     */
    public CreatedResources createdResources(String reportId, String destination) {
        MasterKey key = master.orElseThrow(() -> new IllegalStateException(
                "this endpoint store has no master key to keep created resources under"));
        return new CreatedResources() {
            @Override
            public Optional<String> find(String item) {
                return db.jdbi().withHandle(h -> h.createQuery("SELECT reference FROM endpoint_fhir_resources"
                                + " WHERE report_id = :id AND destination = :dest AND item_key = :key")
                        .bind("id", reportId).bind("dest", destination).bind("key", item)
                        .mapTo(String.class).findOne())
                        .flatMap(sealed -> {
                            try {
                                return Optional.of(new String(key.open(sealed, aad(reportId, destination,
                                        "resource/" + item)), StandardCharsets.UTF_8));
                            } catch (RuntimeException e) {
                                return Optional.empty();
                            }
                        });
            }

            @Override
            public void record(String item, String reference) {
                String sealed = key.seal(reference.getBytes(StandardCharsets.UTF_8),
                        aad(reportId, destination, "resource/" + item));
                db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO endpoint_fhir_resources (report_id, destination,"
                                + " item_key, reference, created_at) VALUES (:id, :dest, :key, :ref, :at)"
                                + " ON CONFLICT (report_id, destination, item_key) DO UPDATE SET reference = :ref")
                        .bind("id", reportId).bind("dest", destination).bind("key", item).bind("ref", sealed)
                        .bind("at", System.currentTimeMillis()).execute());
            }
        };
    }

    /** The Practitioner the institution's admins set for a sender, if any. */
    public Optional<PractitionerMapping> practitionerOf(String senderEmail) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT sender_email, reference, display, set_by, set_at"
                        + " FROM endpoint_practitioners WHERE sender_email = :email")
                .bind("email", senderEmail.strip().toLowerCase(Locale.ROOT))
                .map((rs, ctx) -> new PractitionerMapping(rs.getString(1), rs.getString(2),
                        Optional.ofNullable(rs.getString(3)), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))))
                .findOne());
    }

    /**
     * Ends the claim of an opened report: its next attempt becomes its earliest pending delivery;
     * with none pending and every delivery done it is {@code delivered}, its file due for removal at
     * {@code purgeAt}.
     */
    public void release(Claim claim, Instant purgeAt) {
        db.jdbi().useTransaction(h -> {
            if (!holds(h, claim)) {
                return;
            }
            Long next = h.createQuery("SELECT MIN(next_attempt_at) FROM endpoint_deliveries"
                            + " WHERE report_id = :id AND status = 'pending'")
                    .bind("id", claim.reportId()).map((rs, ctx) -> {
                        long millis = rs.getLong(1); // SQLite's driver refuses getObject(Long) of a NULL
                        return rs.wasNull() ? null : Long.valueOf(millis);
                    }).one();
            int undelivered = h.createQuery("SELECT COUNT(*) FROM endpoint_deliveries"
                            + " WHERE report_id = :id AND status <> 'delivered'")
                    .bind("id", claim.reportId()).mapTo(Integer.class).one();
            boolean done = undelivered == 0;
            h.createUpdate("UPDATE endpoint_reports SET state = :state, next_attempt_at = :next, claim = NULL"
                            + " WHERE report_id = :id")
                    .bind("state", done ? "delivered" : "opened")
                    .bind("next", done ? Long.valueOf(purgeAt.toEpochMilli()) : next)
                    .bind("id", claim.reportId()).execute();
        });
    }

    /** The received file of a delivered report was removed after its retention. */
    public void purged(Claim claim, Instant at) {
        db.jdbi().useHandle(h -> h.createUpdate("UPDATE endpoint_reports SET purged_at = :at, next_attempt_at = NULL,"
                        + " claim = NULL WHERE report_id = :id AND claim = :token")
                .bind("at", at.toEpochMilli()).bind("id", claim.reportId()).bind("token", claim.token()).execute());
    }

    /** Whether the report's received file was removed after its retention. */
    public boolean isPurged(String reportId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM endpoint_reports"
                        + " WHERE report_id = :id AND purged_at IS NOT NULL")
                .bind("id", reportId).mapTo(Integer.class).one()) == 1;
    }

    private static boolean holds(Handle h, Claim claim) {
        return h.createQuery("SELECT COUNT(*) FROM endpoint_reports WHERE report_id = :id AND claim = :token")
                .bind("id", claim.reportId()).bind("token", claim.token()).mapTo(Integer.class).one() == 1;
    }
}
