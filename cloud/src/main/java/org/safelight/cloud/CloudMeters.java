package org.safelight.cloud;

import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.safelight.server.http.AnswerCounter;
import org.safelight.server.http.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud role's meters, rendered by Prometheus as:
 * <ul>
 * <li>{@code safelight_cloud_uploads_total}: uploads stored;</li>
 * <li>{@code safelight_cloud_uploads_refused_total{reason}}: uploads refused, by the error code
 *     answered ({@code too_large}, {@code quota_exceeded}, {@code rate_limited},
 *     {@code not_a_sealed_report}, {@code unsafe_zip}, ...; {@code internal_error} for a failure that
 *     is no refusal), a fixed set;</li>
 * <li>{@code safelight_cloud_stored_bytes}: the bytes of reports whose 7 days are not over, summed
 *     by the database when scraped (every instance on one database reports the same figure).</li>
 * </ul>
 * No tag names a user, a report or a link. Thread-safe.
 */
final class CloudMeters {
    static final String UPLOADS = "safelight.cloud.uploads";
    static final String REFUSED = "safelight.cloud.uploads.refused";
    static final String STORED = "safelight.cloud.stored";
    private static final Logger LOG = LoggerFactory.getLogger(CloudMeters.class);
    /** Registered at zero, so that rates over them work from the first refusal on. */
    private static final List<ErrorCode> EXPECTED_REFUSALS = List.of(ErrorCode.TOO_LARGE, ErrorCode.QUOTA_EXCEEDED,
            ErrorCode.RATE_LIMITED, ErrorCode.NOT_A_SEALED_REPORT, ErrorCode.UNSAFE_ZIP, ErrorCode.EMAIL_UNVERIFIED,
            ErrorCode.UNAUTHORIZED, ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.ACCOUNTS_UNAVAILABLE);

    private final AnswerCounter answers;

    CloudMeters(MeterRegistry registry) {
        this.answers = new AnswerCounter(Counter.builder(UPLOADS).description("uploads stored").register(registry),
                code -> Counter.builder(REFUSED).description("uploads refused, by reason")
                        .tag("reason", code.code()).register(registry),
                EXPECTED_REFUSALS);
    }

    /** {@code upload}, counted: stored when it returns, refused with the code of what it throws. */
    Handler counting(Handler upload) {
        return answers.counting(upload);
    }

    /**
     * Registers {@code safelight_cloud_stored_bytes}: one indexed sum over the reports not yet
     * expired, each time it is scraped; NaN (no sample) while the database cannot answer.
     */
    static void registerStoredBytes(MeterRegistry registry, CloudReports reports, Clock clock) {
        Gauge.builder(STORED, () -> {
            try {
                return reports.bytesStored(clock.instant());
            } catch (RuntimeException e) {
                LOG.debug("the stored bytes could not be summed ({})", e.getClass().getSimpleName());
                return Double.NaN;
            }
        }).baseUnit("bytes").description("bytes of cloud reports whose 7 days are not over").register(registry);
    }
}
