package org.safelight.server.enterprise;

/** The accounts role could not be asked about a credential; the request must be refused (503), not allowed. */
public final class EnterpriseAuthorityUnavailableException extends RuntimeException {
    public EnterpriseAuthorityUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
