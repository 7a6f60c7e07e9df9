package org.safelight.accounts.sends;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.enterprise.Membership;
import org.safelight.accounts.mail.MailDeliveryException;
import org.safelight.accounts.mail.Mailer;
import org.safelight.accounts.mail.ReportMail;
import org.safelight.accounts.tokens.AccessTokens;
import org.safelight.accounts.uploads.ReportSend;
import org.safelight.accounts.uploads.ReportSends;
import org.safelight.accounts.uploads.SendChannel;
import org.safelight.accounts.users.User;
import org.safelight.client.EndpointSender;
import org.safelight.client.RefusedException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;
import org.safelight.server.tokens.Origin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a user's sealed report on their behalf: by email to an address they give (within their
 * daily count), or to one of their enterprise's destinations (an intake endpoint, posted with a
 * token for that endpoint only, minted here for this user; a mailbox, by email). Each returns once
 * the mail server or the endpoint took the report, and records the send on the user's list; a
 * failure sends nothing it can take back and is a {@link Refusal}: {@code destination_unavailable}
 * (not reached; try again), {@code destination_refused} (reached, and it said no, with its reason).
 * Logs name no address, URL or patient detail. Thread-safe.
 */
public final class ReportSender {
    private static final Logger LOG = LoggerFactory.getLogger(ReportSender.class);

    private final Enterprises enterprises;
    private final Destinations destinations;
    private final DailyEmails daily;
    private final ReportSends sends;
    private final Mailer mailer;
    private final AccessTokens tokens;
    private final EndpointSender endpoints;
    private final SendLimits limits;
    private final String server;
    private final Clock clock;

    /** @param server this server's public address, named in the emails' instructions */
    public ReportSender(Enterprises enterprises, Destinations destinations, DailyEmails daily, ReportSends sends,
                        Mailer mailer, AccessTokens tokens, EndpointSender endpoints, SendLimits limits, URI server,
                        Clock clock) {
        this.enterprises = enterprises;
        this.destinations = destinations;
        this.daily = daily;
        this.sends = sends;
        this.mailer = mailer;
        this.tokens = tokens;
        this.endpoints = endpoints;
        this.limits = limits;
        this.server = server.toString().replaceAll("/+$", "");
        this.clock = clock;
    }

    public SendLimits limits() {
        return limits;
    }

    /**
     * Emails the report to {@code to} (a normalized address).
     *
     * @throws Refusal {@code rate_limited} (with when to try again) past the daily count, or as above
     */
    public void email(User user, String reportId, String to, Path sealed) {
        Instant now = clock.instant();
        DailyEmails.Slot slot = daily.take(user.id(), limits.emailsPerDay(), now);
        if (slot instanceof DailyEmails.Slot.Full full) {
            long wait = Math.max(1, Duration.between(now, full.freeAt()).toSeconds());
            throw new Refusal(ErrorCode.RATE_LIMITED, "this account had " + limits.emailsPerDay()
                    + " reports emailed by the server in the last 24 hours, the most it sends; try again in "
                    + words(wait) + ", or download the report and attach it to an email yourself", (int) wait);
        }
        try {
            mail(new ReportMail(to, user.email(), reportId, sealed, server), "the mail server");
        } catch (Refusal e) {
            daily.giveBack(((DailyEmails.Slot.Taken) slot).id());
            throw e;
        }
        record(user, reportId, SendChannel.EMAIL, to);
    }

    /** The destinations of the user's enterprise now (none outside one), oldest first. */
    public List<Destination> destinationsOf(User user) {
        return membership(user).map(m -> destinations.of(m.enterpriseId())).orElse(List.of());
    }

    /**
     * Sends the report to the user's enterprise's destination {@code id}.
     *
     * @return the destination
     * @throws Refusal {@code unknown_destination} for an id that is not one of the user's enterprise's
     */
    public Destination toDestination(User user, String id, String reportId, Path sealed) {
        Optional<Membership> member = membership(user);
        Destination d = member.flatMap(m -> destinations.find(m.enterpriseId(), id)).orElseThrow(() ->
                new Refusal(ErrorCode.UNKNOWN_DESTINATION, "your enterprise has no such destination; reload the list"));
        switch (d.kind()) {
            case MAILBOX -> {
                mail(new ReportMail(d.target(), user.email(), reportId, sealed, server), d.name() + "'s mail server");
                record(user, reportId, SendChannel.EMAIL, d.target());
            }
            case ENDPOINT -> {
                post(user, member, d, sealed);
                record(user, reportId, SendChannel.ENDPOINT, d.target());
            }
        }
        return d;
    }

    private void post(User user, Optional<Membership> member, Destination d, Path sealed) {
        String token = tokens.issueForEndpoint(user, member, Origin.of(d.target())).token();
        try {
            endpoints.post(URI.create(d.target()), token, sealed);
            LOG.info("a report was posted to destination {}", d.id());
        } catch (RefusedException e) {
            LOG.info("destination {} refused a report ({})", d.id(), e.code());
            throw new Refusal(ErrorCode.DESTINATION_REFUSED, d.name() + " refused the report: " + e.getMessage()
                    + " (" + e.code() + ")");
        } catch (IOException e) {
            LOG.info("destination {} could not be reached ({})", d.id(), e.getClass().getSimpleName());
            throw new Refusal(ErrorCode.DESTINATION_UNAVAILABLE, d.name() + " could not be reached just now;"
                    + " nothing was sent, try again later");
        }
    }

    private void mail(ReportMail mail, String who) {
        try {
            mailer.send(mail);
        } catch (MailDeliveryException e) {
            LOG.info("a report mail was not handed on ({})", e.refused() ? "refused" : "not reached");
            throw e.refused()
                    ? new Refusal(ErrorCode.DESTINATION_REFUSED, who + " refused the message (an address it does"
                    + " not deliver to, or a message too large for it); nothing was sent")
                    : new Refusal(ErrorCode.DESTINATION_UNAVAILABLE, who + " could not be reached just now;"
                    + " nothing was sent, try again later");
        }
    }

    private void record(User user, String reportId, SendChannel channel, String recipient) {
        if (!sends.record(user.id(), reportId, new ReportSend(channel, recipient, clock.instant()))) {
            LOG.info("a send was made but not listed: the account has the most sends on record");
        }
    }

    private Optional<Membership> membership(User user) {
        return enterprises.membershipOf(user.email(), user.emailVerified());
    }

    private static String words(long seconds) {
        return seconds >= 3600 ? (seconds + 3599) / 3600 + " hours" : (seconds + 59) / 60 + " minutes";
    }
}
