package org.safelight.endpoint.intake;

import java.time.Instant;

/**
 * How a report reached the endpoint, recorded with it.
 *
 * @param source         which intake took it
 * @param senderEmail    HTTPS: the verified user token's email; mailbox: the message's From
 *                       address (claimed by the mail, not proven)
 * @param senderVerified true only when a verified token vouched for the address
 * @param reference      mailbox: the message's Message-ID; HTTPS: null
 * @param at             when it arrived
 */
public record Arrival(Source source, String senderEmail, boolean senderVerified, String reference, Instant at) {
    public enum Source { HTTPS, MAILBOX }
}
