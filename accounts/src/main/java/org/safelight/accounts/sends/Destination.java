package org.safelight.accounts.sends;

import java.time.Instant;

/**
 * One place an enterprise's members may send a sealed report to, as its admin listed it: an
 * institution's intake endpoint ({@code target} is its URL; {@code staticKey} the public key, PEM,
 * that reports for it may be sealed with, or null) or a mailbox ({@code target} is its address).
 * Immutable.
 */
public record Destination(String id, String enterpriseId, String name, Kind kind, String target, String staticKey,
                          Instant createdAt) {

    /** What the destination is, as named on the wire. */
    public enum Kind {
        ENDPOINT("endpoint"), MAILBOX("mailbox");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static java.util.Optional<Kind> of(String code) {
            for (Kind k : values()) {
                if (k.code.equals(code)) {
                    return java.util.Optional.of(k);
                }
            }
            return java.util.Optional.empty();
        }
    }

    /** Leaves the address or URL out of logs. */
    @Override
    public String toString() {
        return "Destination[" + id + ", " + kind.code() + "]";
    }
}
