package org.safelight.endpoint.delivery;

/**
 * The destination cannot deliver without a person's answer (an ambiguous or conflicting patient, an
 * unknown sender). The pipeline sets the delivery to {@code needs_person} with the question, and
 * makes it due again once an admin answers; it is never retried by itself.
 */
public class NeedsPersonException extends DeliveryException {
    private final transient Question question;

    public NeedsPersonException(Question question) {
        super(question.message(), false);
        this.question = question;
    }

    public Question question() {
        return question;
    }
}
