package org.safelight.keys;

import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.safelight.server.http.AnswerCounter;
import org.safelight.server.http.ErrorCode;

/**
 * Counts key fetches by their final answer: {@value #NAME}, rendered by Prometheus as
 * {@code safelight_key_fetches_total{outcome="granted|refused", reason}}. A fetch is counted once,
 * when its answer is settled: granted (reason {@code none}) only once the key is on its way, so
 * after its audit event committed; refused with the error code answered ({@code report_revoked},
 * {@code access_denied}, {@code audit_unavailable}, ...; {@code internal_error} for a failure that
 * is no refusal). The reasons are the error catalogue's codes, a fixed set; no tag names a user, an
 * address or a report. Users' and enterprises' (Key Server Token) fetches are counted alike. Thread-safe.
 */
final class KeyFetchMeter {
    static final String NAME = "safelight.key.fetches";
    private static final String DESCRIPTION = "key fetches by final answer";
    /** Registered at zero, so that a rate or an alert over them works from the first refusal on. */
    private static final List<ErrorCode> EXPECTED_REFUSALS = List.of(ErrorCode.AUDIT_UNAVAILABLE,
            ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.REPORT_REVOKED, ErrorCode.UNKNOWN_REPORT, ErrorCode.ACCESS_DENIED,
            ErrorCode.EMAIL_UNVERIFIED, ErrorCode.UNAUTHORIZED, ErrorCode.INVALID_TOKEN, ErrorCode.TOKEN_EXPIRED,
            ErrorCode.RATE_LIMITED, ErrorCode.INVALID_REPORT_ID, ErrorCode.ACCOUNTS_UNAVAILABLE);

    private final AnswerCounter answers;

    KeyFetchMeter(MeterRegistry registry) {
        this.answers = new AnswerCounter(Counter.builder(NAME).description(DESCRIPTION)
                .tag("outcome", "granted").tag("reason", "none").register(registry),
                code -> Counter.builder(NAME).description(DESCRIPTION)
                        .tag("outcome", "refused").tag("reason", code.code()).register(registry),
                EXPECTED_REFUSALS);
    }

    /**
     * {@code fetch}, counted: granted when it returns (it answers the key or throws), refused with the
     * code of the refusal it throws. The exception goes on unchanged.
     */
    Handler counting(Handler fetch) {
        return answers.counting(fetch);
    }
}
