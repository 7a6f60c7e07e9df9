/**
 * The endpoint role: an institution's intake. Reports arrive by {@code POST /api/report} or in a
 * polled mailbox ({@link org.safelight.endpoint.intake.Intake}), are stored durably before they
 * are acknowledged, then opened (key fetched, HMAC verified, decrypted) and handed to each
 * configured {@link org.safelight.endpoint.delivery.Destination}, with the state of every step
 * kept in the database ({@link org.safelight.endpoint.store.ReceivedReports}).
 */
package org.safelight.endpoint;
