package org.safelight.keys;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.safelight.server.http.ErrorAnswer;
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

    /**
     * A key fetch in two parts: what runs on the request's thread, which answers (returns
     * {@code null}) or refuses (throws) at once, or returns the rest, to be started by Javalin once
     * the request is suspended ({@link Context#future}): a future that completes when the answer is
     * set, or fails with the refusal.
     */
    @FunctionalInterface
    interface Fetch {
        Supplier<CompletableFuture<?>> start(Context ctx) throws Exception;
    }

    private final MeterRegistry registry;
    private final Counter granted;
    private final Map<ErrorCode, Counter> refused = new ConcurrentHashMap<>();

    KeyFetchMeter(MeterRegistry registry) {
        this.registry = registry;
        this.granted = Counter.builder(NAME).description(DESCRIPTION)
                .tag("outcome", "granted").tag("reason", "none").register(registry);
        EXPECTED_REFUSALS.forEach(this::refusedWith);
    }

    /**
     * {@code fetch}, counted: granted when it answers, refused with the code of the refusal it throws
     * or its rest fails with. Exceptions and failures go on unchanged.
     */
    Handler counting(Fetch fetch) {
        return ctx -> {
            Supplier<CompletableFuture<?>> rest;
            try {
                rest = fetch.start(ctx);
            } catch (Exception | Error e) {
                refusedWith(e).increment();
                throw e;
            }
            if (rest == null) {
                granted.increment();
                return;
            }
            ctx.future(() -> rest.get().whenComplete((answered, failure) -> {
                if (failure == null) {
                    granted.increment();
                } else {
                    refusedWith(failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure).increment();
                }
            }));
        };
    }

    private Counter refusedWith(Throwable e) {
        return refusedWith(ErrorAnswer.of(e).code()); // what the server answers it with
    }

    private Counter refusedWith(ErrorCode code) {
        return refused.computeIfAbsent(code, c -> Counter.builder(NAME).description(DESCRIPTION)
                .tag("outcome", "refused").tag("reason", c.code()).register(registry));
    }
}
