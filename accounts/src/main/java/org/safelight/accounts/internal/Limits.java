package org.safelight.accounts.internal;

import org.safelight.server.http.ApiException;
import org.safelight.server.limits.RateLimiter;

/** Rate limits that must not show: where a 429 would tell whether an account exists. */
public final class Limits {
    private Limits() {
    }

    /** Takes a token if there is one; false (and no answer to the client) when the bucket is empty. */
    public static boolean quietly(RateLimiter limiter, String key) {
        try {
            limiter.acquire(key, "requests");
            return true;
        } catch (ApiException e) {
            return false;
        }
    }
}
