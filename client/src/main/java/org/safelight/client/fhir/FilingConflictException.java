package org.safelight.client.fhir;

/**
 * Filing stopped because the FHIR server already holds this report's resources (or the patient)
 * for another record than the one intended: filing would mix patients or adopt someone else's
 * resources. Never retryable (status 0); the message names references only, no patient data.
 */
public class FilingConflictException extends FhirException {
    private static final long serialVersionUID = 1L;

    public FilingConflictException(String message) {
        super(message, 0, false);
    }
}
