package org.safelight.accounts.users;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.safelight.accounts.internal.PublicUrl;
import org.safelight.accounts.internal.Secrets;
import org.safelight.accounts.mail.AccountMails;
import org.safelight.accounts.mail.MailDeliveryException;
import org.safelight.accounts.mail.MailMessage;
import org.safelight.accounts.mail.Mailer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the emails that carry a one-time link: a fresh token, its hash stored with an expiry,
 * the link built on the public URL. A mail failure is logged and reported as false: the request
 * that caused it still succeeds, and the user can ask for another link. No message carries text a
 * user typed. Thread-safe.
 */
public final class LinkMailer {
    public static final Duration VERIFY_LIFETIME = Duration.ofHours(24);
    public static final Duration RESET_LIFETIME = Duration.ofHours(1);
    public static final String VERIFY_PATH = "/api/v1/accounts/verify";
    public static final String RESET_PATH = "/app/reset-password";

    private static final Logger LOG = LoggerFactory.getLogger(LinkMailer.class);

    private final OneTimeTokens tokens;
    private final Mailer mailer;
    private final PublicUrl publicUrl;
    private final Clock clock;

    public LinkMailer(OneTimeTokens tokens, Mailer mailer, PublicUrl publicUrl, Clock clock) {
        this.tokens = tokens;
        this.mailer = mailer;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    /** Sends a link that confirms the user's address (24 hours, once). */
    public boolean sendVerification(User user) {
        String token = store(user, OneTimeTokens.Purpose.VERIFY_EMAIL, VERIFY_LIFETIME);
        return send(AccountMails.verifyAddress(user.email(), publicUrl.resolve(VERIFY_PATH + "?token=" + token)));
    }

    /** Sends a link to the form that sets a new password (1 hour, once). */
    public boolean sendPasswordReset(User user) {
        String token = store(user, OneTimeTokens.Purpose.RESET_PASSWORD, RESET_LIFETIME);
        return send(AccountMails.resetPassword(user.email(), publicUrl.resolve(RESET_PATH + "?token=" + token)));
    }

    /** Tells the owner of a confirmed address that someone tried to sign up with it. */
    public boolean sendAddressTaken(User user) {
        return send(AccountMails.addressTaken(user.email()));
    }

    private String store(User user, OneTimeTokens.Purpose purpose, Duration lifetime) {
        String token = Secrets.token();
        Instant now = clock.instant();
        tokens.add(Secrets.hash(token), purpose, user.id(), now, now.plus(lifetime));
        return token;
    }

    private boolean send(MailMessage message) {
        try {
            mailer.send(message);
            return true;
        } catch (MailDeliveryException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.warn("mail '{}' not sent: {} ({})", message.subject(), e.getMessage(), cause.getClass().getSimpleName());
            return false;
        }
    }
}
