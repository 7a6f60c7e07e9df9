package org.safelight.endpoint.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
     * delivery go back to pending with their attempts kept.
     *
     * @return how many steps were made due (0 when nothing was parked or the report is unknown)
     */
    int retry(String reportId);

    /**
     * One received report.
     *
     * @param state     {@code received} (stored, not opened yet), {@code waiting} (opening failed
     *                  for a reason that may pass, such as a key server down: retried),
     *                  {@code opened} (verified; deliveries under way), {@code delivered} (every
     *                  destination has it), {@code parked} (opening failed for good or too often:
     *                  wrong key, failed integrity, malformed; {@code lastError} says why)
     * @param kind      {@code plain}, {@code dynamic} or {@code static}
     */
    record ReceivedReport(String reportId, String senderEmail, boolean senderVerified, Arrival.Source source,
                          Instant receivedAt, String kind, long size, String state, int openAttempts,
                          String lastError, List<Delivery> deliveries) {
    }

    /**
     * One report's delivery to one destination.
     *
     * @param status {@code pending}, {@code delivered} or {@code parked}
     */
    record Delivery(String destination, String status, int attempts, Instant nextAttemptAt, String lastError,
                    Instant deliveredAt) {
    }
}
