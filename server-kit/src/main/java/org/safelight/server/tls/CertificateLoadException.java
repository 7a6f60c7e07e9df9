package org.safelight.server.tls;

/**
 * The certificates folder could not be turned into a usable key and chain: a file is missing,
 * unreadable, half-written, in a format we do not read, or the key does not belong to the
 * certificate. The message names the file and the reason for an operator; it never carries key
 * material.
 */
public final class CertificateLoadException extends Exception {
    public CertificateLoadException(String message) {
        super(message);
    }
}
