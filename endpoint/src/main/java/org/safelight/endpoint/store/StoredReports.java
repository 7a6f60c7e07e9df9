package org.safelight.endpoint.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import org.jdbi.v3.core.Handle;
import org.safelight.client.fhir.FhirClient;
import org.safelight.endpoint.delivery.Answers;
import org.safelight.endpoint.delivery.Question;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;

/** {@link ReceivedReports} from the endpoint's tables. Thread-safe. */
public final class StoredReports implements ReceivedReports {
    private static final String COLUMNS = "report_id, sender_email, sender_verified, source, received_at, kind, size,"
            + " state, open_attempts, last_error";


    private final Database db;
    private final Clock clock;
    private final EndpointStore store;

    /** Without the master key: questions deliveries wait on are not shown. */
    public StoredReports(Database db, Clock clock) {
        this(db, clock, null);
    }

    /** @param master opens the questions deliveries wait on, for the admins' view */
    public StoredReports(Database db, Clock clock, MasterKey master) {
        this.db = db;
        this.clock = clock;
        this.store = new EndpointStore(db, master);
    }

    @Override
    public List<ReceivedReport> list(Optional<String> senderEmail, Optional<Instant> before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM endpoint_reports WHERE 1 = 1");
        senderEmail.ifPresent(e -> sql.append(" AND sender_email = :email"));
        before.ifPresent(b -> sql.append(" AND received_at < :before"));
        sql.append(" ORDER BY received_at DESC, report_id DESC LIMIT :limit");
        return db.jdbi().withHandle(h -> {
            var query = h.createQuery(sql.toString()).bind("limit", Math.max(0, limit));
            senderEmail.ifPresent(e -> query.bind("email", e.strip().toLowerCase(java.util.Locale.ROOT)));
            before.ifPresent(b -> query.bind("before", b.toEpochMilli()));
            List<Row> rows = query.map((rs, ctx) -> row(rs)).list();
            List<ReceivedReport> reports = new ArrayList<>();
            for (Row row : rows) {
                reports.add(row.with(deliveries(h, row.reportId())));
            }
            return reports;
        });
    }

    @Override
    public Optional<ReceivedReport> find(String reportId) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM endpoint_reports WHERE report_id = :id")
                .bind("id", reportId).map((rs, ctx) -> row(rs)).findOne()
                .map(row -> row.with(deliveries(h, reportId))));
    }

    @Override
    public int retry(String reportId) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            int deliveries = h.createUpdate("UPDATE endpoint_deliveries SET status = 'pending', next_attempt_at = :now"
                            + " WHERE report_id = :id AND status NOT IN ('delivered', 'needs_person')")
                    .bind("now", now).bind("id", reportId).execute();
            int opening = h.createUpdate("UPDATE endpoint_reports SET state = 'received', next_attempt_at = :now"
                            + " WHERE report_id = :id AND state IN ('parked', 'waiting')")
                    .bind("now", now).bind("id", reportId).execute();
            if (deliveries > 0) {
                // Due now, unless a worker holds it: then its release picks the deliveries up.
                h.createUpdate("UPDATE endpoint_reports SET next_attempt_at = :now"
                                + " WHERE report_id = :id AND claim IS NULL AND state IN ('opened', 'received', 'waiting')")
                        .bind("now", now).bind("id", reportId).execute();
            }
            return deliveries + opening;
        });
    }

    @Override
    public AnswerResult answer(String reportId, String destination, PersonAnswer answer, String answeredBy) {
        long now = clock.millis();
        return db.jdbi().inTransaction(h -> {
            Optional<String[]> row = h.createQuery("SELECT d.status, d.question, d.answers, r.sender_email,"
                            + " r.sender_verified, r.source"
                            + " FROM endpoint_deliveries d JOIN endpoint_reports r ON r.report_id = d.report_id"
                            + " WHERE d.report_id = :id AND d.destination = :dest")
                    .bind("id", reportId).bind("dest", destination)
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getInt(5) == 1 && "HTTPS".equals(rs.getString(6)) ? "verified" : ""})
                    .findOne();
            if (row.isEmpty()) {
                return AnswerResult.refused(AnswerResult.Outcome.UNKNOWN_DELIVERY, "the report has no such destination");
            }
            if (!"needs_person".equals(row.get()[0])) {
                return AnswerResult.refused(AnswerResult.Outcome.NOT_WAITING,
                        "this delivery is not waiting for a person's answer");
            }
            Optional<Question> question = store.open(reportId, destination, row.get()[1]);
            if (question.isEmpty()) {
                return AnswerResult.refused(AnswerResult.Outcome.NOT_WAITING,
                        "the question of this delivery cannot be read here (no master key)");
            }
            if (answer.remember() && !"verified".equals(row.get()[4])) {
                // a mapping links later reports with no person: only for an address a verified token vouched for
                return AnswerResult.refused(AnswerResult.Outcome.INVALID, "remember is only for a sender a verified"
                        + " token vouched for over HTTPS; this report's sender is only claimed (answer without remember)");
            }
            Map<String, String> answers = new LinkedHashMap<>(store.openAnswers(reportId, destination, row.get()[2]).values());
            Optional<String> refused = apply(question.get(), answer, answers);
            if (refused.isPresent()) {
                return AnswerResult.refused(AnswerResult.Outcome.INVALID, refused.get());
            }
            int changed = h.createUpdate("UPDATE endpoint_deliveries SET status = 'pending', next_attempt_at = :now,"
                            + " question = NULL, answers = :answers, last_error = NULL"
                            + " WHERE report_id = :id AND destination = :dest AND status = 'needs_person'")
                    .bind("now", now).bind("answers", store.sealAnswers(reportId, destination, new Answers(answers)))
                    .bind("id", reportId).bind("dest", destination).execute();
            if (changed != 1) {
                return AnswerResult.refused(AnswerResult.Outcome.NOT_WAITING,
                        "this delivery is not waiting for a person's answer");
            }
            if (answer.remember() && answer.practitioner().isPresent()) {
                String email = row.get()[3].strip().toLowerCase(Locale.ROOT);
                h.createUpdate("INSERT INTO endpoint_practitioners (sender_email, reference, display, set_by, set_at)"
                                + " VALUES (:email, :ref, :display, :by, :at) ON CONFLICT (sender_email) DO UPDATE"
                                + " SET reference = :ref, display = :display, set_by = :by, set_at = :at")
                        .bind("email", email).bind("ref", answer.practitioner().get())
                        .bind("display", answers.get(Answers.PRACTITIONER + "_display"))
                        .bind("by", answeredBy == null ? "" : answeredBy.strip().toLowerCase(Locale.ROOT))
                        .bind("at", now).execute();
            }
            // Due now, unless a worker holds it: then its release picks the delivery up.
            h.createUpdate("UPDATE endpoint_reports SET next_attempt_at = :now"
                            + " WHERE report_id = :id AND claim IS NULL AND state IN ('opened', 'received', 'waiting')")
                    .bind("now", now).bind("id", reportId).execute();
            return AnswerResult.answered();
        });
    }

    /**
     * Checks {@code answer} against {@code question} and puts it into {@code answers}; the reason it
     * cannot be taken otherwise. A patient may be a candidate or any other {@code Patient/id} the
     * person knows (the destination reads it before filing, and asks again when it is not there).
     */
    static Optional<String> apply(Question question, PersonAnswer answer, Map<String, String> answers) {
        int given = (answer.patient().isPresent() ? 1 : 0) + (answer.createPatient() ? 1 : 0)
                + (answer.practitioner().isPresent() ? 1 : 0);
        if (given != 1) {
            return Optional.of("answer with exactly one of patient, create_patient or practitioner");
        }
        if ("practitioner".equals(question.kind())) {
            if (answer.practitioner().isEmpty()) {
                return Optional.of("this delivery asks who the sender is: answer with a practitioner");
            }
            String ref = answer.practitioner().get();
            if (!FhirClient.isReference("Practitioner", ref)) {
                return Optional.of("a practitioner is a reference such as Practitioner/123");
            }
            answers.put(Answers.PRACTITIONER, ref);
            answers.remove(Answers.PRACTITIONER + "_display");
            candidateDisplay(question, ref).ifPresent(d -> answers.put(Answers.PRACTITIONER + "_display", d));
            return Optional.empty();
        }
        if (answer.practitioner().isPresent()) {
            return Optional.of("this delivery asks which patient the report is about: answer with a patient");
        }
        if (answer.createPatient()) {
            if (!question.canCreate()) {
                return Optional.of("this destination does not create patients: pick one of the candidates");
            }
            answers.remove(Answers.PATIENT);
            answers.put(Answers.CREATE_PATIENT, "true");
            return Optional.empty();
        }
        String ref = answer.patient().get();
        if (!FhirClient.isReference("Patient", ref)) {
            return Optional.of("a patient is a reference such as Patient/123");
        }
        answers.remove(Answers.CREATE_PATIENT);
        answers.put(Answers.PATIENT, ref);
        return Optional.empty();
    }

    private static Optional<String> candidateDisplay(Question question, String reference) {
        return question.candidates().stream().filter(c -> reference.equals(c.get("reference")))
                .map(c -> c.get("display")).filter(String.class::isInstance).map(String.class::cast)
                .filter(d -> !d.isBlank()).findFirst();
    }

    private record Row(String reportId, String senderEmail, boolean senderVerified, Arrival.Source source,
                       Instant receivedAt, String kind, long size, String state, int openAttempts, String lastError) {
        ReceivedReport with(List<Delivery> deliveries) {
            return new ReceivedReport(reportId, senderEmail, senderVerified, source, receivedAt, kind, size, state,
                    openAttempts, lastError, deliveries);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getInt(3) == 1, Arrival.Source.valueOf(rs.getString(4)),
                Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getLong(7), rs.getString(8), rs.getInt(9),
                rs.getString(10));
    }

    private List<Delivery> deliveries(Handle h, String reportId) {
        Map<String, Delivery> byName = new LinkedHashMap<>();
        h.createQuery("SELECT destination, status, attempts, next_attempt_at, last_error, delivered_at, question"
                        + " FROM endpoint_deliveries WHERE report_id = :id ORDER BY destination")
                .bind("id", reportId)
                .map((rs, ctx) -> new Delivery(rs.getString(1), rs.getString(2), rs.getInt(3),
                        instant(rs, 4), rs.getString(5), instant(rs, 6),
                        "needs_person".equals(rs.getString(2))
                                ? store.open(reportId, rs.getString(1), rs.getString(7)).orElse(null) : null))
                .forEach(d -> byName.put(d.destination(), d));
        return List.copyOf(byName.values());
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
