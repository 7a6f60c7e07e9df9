package org.safelight.endpoint.intake;

/**
 * A report file the endpoint will not take, with a stable code from the error catalogue (for
 * example {@code too_large}, {@code unsafe_zip}, {@code not_a_report}, {@code report_id_conflict},
 * {@code sender_not_allowed}) and a message fit for the sender. Nothing of it was stored.
 */
public class IntakeRefusedException extends Exception {
    private final String code;

    public IntakeRefusedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
