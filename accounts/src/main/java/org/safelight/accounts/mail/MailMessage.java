package org.safelight.accounts.mail;

/**
 * One plain-text message to one recipient. The body holds a secret link, so {@code toString}
 * leaves it out.
 */
public record MailMessage(String to, String subject, String body) {
    public MailMessage {
        if (to.contains("\r") || to.contains("\n") || subject.contains("\r") || subject.contains("\n")) {
            throw new IllegalArgumentException("line breaks in a mail header");
        }
    }

    @Override
    public String toString() {
        return "MailMessage[subject=" + subject + "]";
    }
}
