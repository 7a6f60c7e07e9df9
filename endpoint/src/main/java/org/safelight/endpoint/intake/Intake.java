package org.safelight.endpoint.intake;

import java.io.InputStream;

/**
 * Takes one report file into the endpoint. Both intakes (the HTTPS route and the mailbox poller)
 * call this, and acknowledge to their sender only after it returns.
 */
public interface Intake {

    /**
     * Streams {@code file} into the endpoint's store (at most the configured size limit), checks it
     * is a report by the format's one ZIP reading (plain report ZIP, dynamic-key or static-key
     * {@code .picsafe}), and returns once it is durable: the file synced and its row and
     * deliveries committed. Reading {@code file} is finished when this returns or throws.
     *
     * <p>The same report ID received again with the same bytes answers the first receipt
     * ({@link Receipt#alreadyReceived()}) and stores nothing; with other bytes it is refused.
     *
     * @throws IntakeRefusedException when the file is refused (nothing stored)
     * @throws java.io.IOException    when storing failed (nothing acknowledged; the sender retries)
     */
    Receipt receive(InputStream file, Arrival arrival) throws IntakeRefusedException, java.io.IOException;

    /**
     * {@link #receive(InputStream, Arrival)} with the name the file was sent under ({@code
     * {ReportID}.picsafe}), which gives a sealed report's ID when its {@code package.json} has no
     * {@code report_id} (files from other apps). Null when there is no name.
     */
    default Receipt receive(InputStream file, String fileName, Arrival arrival)
            throws IntakeRefusedException, java.io.IOException {
        return receive(file, arrival);
    }

    /**
     * The largest report file {@link #receive} takes, in bytes ({@code --endpoint-max-size}): the
     * mailbox intake refuses a mail that could only carry a larger one before copying it anywhere.
     * {@link Long#MAX_VALUE} when this intake sets no limit of its own.
     */
    default long maxSize() {
        return Long.MAX_VALUE;
    }

    /** What {@link #receive} stored. */
    record Receipt(String reportId, boolean alreadyReceived) {
    }
}
