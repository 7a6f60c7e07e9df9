package org.safelight.format;

import java.io.IOException;

/**
 * Root of the format library's checked failures: a file that is not what it claims to be, or a key
 * that does not open it. Subclasses say which; messages are safe to show to a user and to log (no
 * patient data, no key material).
 */
public class FormatException extends IOException {
    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
