package org.safelight.client.fhir;

/**
 * A FHIR call that failed. The message names the call and the server's answer (status, the
 * OperationOutcome's coded issue types; never its free text, which may echo patient data), never
 * patient data, credentials or tokens.
 */
public class FhirException extends Exception {
    private final int status;
    private final boolean retryable;

    /**
     * @param status    the HTTP status, or 0 when no answer came (refused, timed out, reset)
     * @param retryable true when trying again later may work (no answer, 408, 429, 5xx, 401 after a
     *                  token refresh failed on the token server being down); false for answers
     *                  that will not change (400, 403, 404, 405, 409, 412, 422)
     */
    public FhirException(String message, int status, boolean retryable) {
        super(message);
        this.status = status;
        this.retryable = retryable;
    }

    public FhirException(String message, int status, boolean retryable, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
    }

    public int status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }
}
