package org.safelight.format.picsafe;

import java.security.PrivateKey;
import java.util.Objects;

/** What the opener is given to find a report's key. */
public sealed interface ReportKey {

    /** The report key itself (dynamic-key mode, or a password used by hand). */
    record Password(String value) implements ReportKey {
        public Password {
            Objects.requireNonNull(value, "password");
        }

        @Override
        public String toString() {
            return "Password[****]";
        }
    }

    /** An institution's private key, for static-key reports. */
    record Private(PrivateKey key) implements ReportKey {
        @Override
        public String toString() {
            return "Private[****]";
        }
    }

    /** No key: fine for plain reports; an encrypted one says where its key is. */
    record None() implements ReportKey {
    }
}
