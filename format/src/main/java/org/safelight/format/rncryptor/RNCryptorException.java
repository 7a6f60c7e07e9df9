package org.safelight.format.rncryptor;

import org.safelight.format.FormatException;

/** An RNCryptor message could not be opened. See the subclasses for why. */
public abstract class RNCryptorException extends FormatException {
    protected RNCryptorException(String message) {
        super(message);
    }
}
