package org.safelight.endpoint.delivery;

/**
 * Somewhere the endpoint files opened reports: a folder, the institution's middleware, later FHIR
 * and DICOM. The pipeline calls {@link #deliver} on a worker thread, once per report and
 * destination until it succeeds, with retries (exponential backoff with jitter) and parking after
 * a limit; it keeps the state, the destination keeps none.
 */
public interface Destination {

    /** A stable name, kept with each delivery row (for example {@code folder}, {@code forward}). */
    String name();

    /**
     * Delivers one opened report. Returns only once the destination holds it durably. Must be
     * idempotent: delivering a report it already has leaves one copy (a retry after a crash
     * between delivering and recording it happens).
     *
     * @throws DeliveryException with {@link DeliveryException#permanent()} when retrying cannot
     *                           help (the delivery is parked at once), otherwise retried later
     */
    void deliver(OpenedReport report) throws DeliveryException;

    /**
     * Delivers with what a person answered for this delivery (a patient or practitioner picked on
     * the institution's page). Destinations that never ask ({@link NeedsPersonException}) ignore
     * the answers.
     */
    default void deliver(OpenedReport report, Answers answers) throws DeliveryException {
        deliver(report);
    }
}
