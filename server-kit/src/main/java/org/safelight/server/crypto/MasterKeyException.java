package org.safelight.server.crypto;

/**
 * The master key cannot be loaded (missing, malformed, too widely readable) or a stored report key
 * does not open under it. The message names the file or report, never key material.
 */
public class MasterKeyException extends RuntimeException {
    public MasterKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
