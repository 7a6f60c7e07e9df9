package org.safelight.format.container;

import org.safelight.format.FormatException;

/** A ZIP from outside broke a safety rule (a name, a limit) or is not a readable ZIP. Nothing was kept. */
public final class UnsafeZipException extends FormatException {
    public UnsafeZipException(String message) {
        super(message);
    }

    public UnsafeZipException(String message, Throwable cause) {
        super(message, cause);
    }
}
