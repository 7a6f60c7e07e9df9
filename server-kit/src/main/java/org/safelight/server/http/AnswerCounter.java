package org.safelight.server.http;

import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Counts a handler's final answers: {@code done} when it returns; when it throws, the counter of
 * the error code it answers ({@link ErrorAnswer#of}: a {@link Refusal}'s code, {@link ErrorCode#INTERNAL_ERROR}
 * for an unforeseen failure), and the exception goes on unchanged. The codes come from the catalogue, a fixed
 * set, so a tag made from one names no user, address or report. The expected codes are registered
 * at zero, so that a rate or an alert over them works from the first one. Thread-safe.
 */
public final class AnswerCounter {
    private final Counter done;
    private final Function<ErrorCode, Counter> refusalMeter;
    private final Map<ErrorCode, Counter> refused = new ConcurrentHashMap<>();

    /**
     * @param done         counted when the handler returns
     * @param refusalMeter registers the counter of one error code (called once a code)
     * @param expected     codes registered now, at zero
     */
    public AnswerCounter(Counter done, Function<ErrorCode, Counter> refusalMeter, Collection<ErrorCode> expected) {
        this.done = Objects.requireNonNull(done, "done");
        this.refusalMeter = Objects.requireNonNull(refusalMeter, "refusalMeter");
        expected.forEach(this::refusedWith);
    }

    /** {@code handler}, counted. */
    public Handler counting(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (Refusal refusal) {
                refusedWith(refusal.errorCode()).increment();
                throw refusal;
            } catch (Exception | Error e) {
                refusedWith(ErrorAnswer.of(e).code()).increment(); // what the server answers it with
                throw e;
            }
            done.increment();
        };
    }

    private Counter refusedWith(ErrorCode code) {
        return refused.computeIfAbsent(code, refusalMeter);
    }
}
