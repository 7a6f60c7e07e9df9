package org.safelight.accounts.internal;

import org.safelight.server.http.Refusal;
import org.safelight.server.limits.RateLimiter;

/** Rate limits that must not show: where a 429 would tell whether an account exists. */
public final class Limits {
    private Limits() {
    }

    /**
     * The key failed passwords for the account at {@code email} are counted under, from the client
     * at {@code ip}: per account and client network, shared by sign-in and confirming an address.
     */
    public static String passwordFailures(String email, String ip) {
        return email + " from " + ClientNetwork.of(ip);
    }

    /** Takes a token if there is one; false (and no answer to the client) when the bucket is empty. */
    public static boolean quietly(RateLimiter limiter, String key) {
        try {
            limiter.acquire(key, "requests");
            return true;
        } catch (Refusal e) {
            return false;
        }
    }
}
