package org.safelight.endpoint.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.safelight.endpoint.delivery.Question;
import org.safelight.endpoint.intake.Arrival;

/** What the institution's page, API and CLI read of the endpoint's reports, and the one thing they change. */
public interface ReceivedReports {

    /**
     * Newest first, at most {@code limit}, received before {@code before} when given; only the
     * reports of {@code senderEmail} when given (a sender looking at their own).
     */
    List<ReceivedReport> list(Optional<String> senderEmail, Optional<Instant> before, int limit);

    Optional<ReceivedReport> find(String reportId);

    /**
     * Makes the report's parked (or waiting) steps due now: a parked open and every parked
     * delivery go back to pending with their attempts kept. A delivery waiting for a person keeps
     * waiting: only an answer moves it.
     *
     * @return how many steps were made due (0 when nothing was parked or the report is unknown)
     */
    int retry(String reportId);

    /**
     * A person's answer to the question a delivery waits on ({@code needs_person}): checked against
     * the question, kept with the delivery (the question is cleared) and the delivery made due now.
     * With {@link PersonAnswer#remember()} a practitioner answer also becomes the institution's
     * mapping of the report's sender, used for their later reports.
     *
     * @param answeredBy the admin's email, kept with a remembered mapping
     */
    AnswerResult answer(String reportId, String destination, PersonAnswer answer, String answeredBy);

    /**
     * What a person answered: exactly one of {@code patient} ({@code Patient/id}), {@code
     * createPatient}, {@code practitioner} ({@code Practitioner/id}, with {@code remember}).
     */
    record PersonAnswer(Optional<String> patient, boolean createPatient, Optional<String> practitioner,
                        boolean remember) {
    }

    /** How an answer was taken; {@code why} says what is wrong with a refused one. */
    record AnswerResult(Outcome outcome, String why) {
        public enum Outcome { ANSWERED, UNKNOWN_DELIVERY, NOT_WAITING, INVALID }

        public static AnswerResult answered() {
            return new AnswerResult(Outcome.ANSWERED, "");
        }

        public static AnswerResult refused(Outcome outcome, String why) {
            return new AnswerResult(outcome, why);
        }
    }

    /**
     * One received report.
     *
     * @param state     {@code received} (stored, not opened yet), {@code waiting} (opening failed
     *                  for a reason that may pass, such as a key server down: retried),
     *                  {@code opened} (verified; deliveries under way), {@code delivered} (every
     *                  destination has it), {@code parked} (opening failed for good or too often:
     *                  wrong key, failed integrity, malformed; {@code lastError} says why). A report
     *                  whose delivery waits for a person stays {@code opened}
     * @param kind      {@code plain}, {@code dynamic} or {@code static}
     */
    record ReceivedReport(String reportId, String senderEmail, boolean senderVerified, Arrival.Source source,
                          Instant receivedAt, String kind, long size, String state, int openAttempts,
                          String lastError, List<Delivery> deliveries) {
    }

    /**
     * One report's delivery to one destination.
     *
     * @param status   {@code pending}, {@code delivered}, {@code parked} or {@code needs_person} (waits
     *                 for a person's answer: never retried by itself)
     * @param question what the delivery waits on when {@code needs_person} (only for admins; names
     *                 patients), else null
     */
    record Delivery(String destination, String status, int attempts, Instant nextAttemptAt, String lastError,
                    Instant deliveredAt, Question question) {
        public Delivery(String destination, String status, int attempts, Instant nextAttemptAt, String lastError,
                        Instant deliveredAt) {
            this(destination, status, attempts, nextAttemptAt, lastError, deliveredAt, null);
        }
    }
}
