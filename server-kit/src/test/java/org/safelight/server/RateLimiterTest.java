package org.safelight.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.safelight.server.http.Refusal;
import org.safelight.server.limits.RateLimiter;
import org.safelight.server.testing.MutableClock;

class RateLimiterTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void a_burst_beyond_capacity_is_refused_with_retry_after_and_refills_with_time() {
        RateLimiter limiter = new RateLimiter(3, 0.5, clock);
        assertThat(limiter.available("ip-1")).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            limiter.acquire("ip-1", "sign-ins");
        }
        assertThat(limiter.available("ip-1")).as("looking takes nothing").isZero();
        assertThatThrownBy(() -> limiter.acquire("ip-1", "sign-ins")).isInstanceOfSatisfying(Refusal.class, e -> {
            Assertions.assertThat(e.errorCode().status()).isEqualTo(429);
            Assertions.assertThat(e.retryAfterSeconds()).isEqualTo(2);
        });
        assertThatCode(() -> limiter.acquire("ip-2", "sign-ins")).doesNotThrowAnyException();
        clock.advance(Duration.ofSeconds(2));
        assertThat(limiter.available("ip-1")).isEqualTo(1);
        assertThatCode(() -> limiter.acquire("ip-1", "sign-ins")).doesNotThrowAnyException();
    }
}
