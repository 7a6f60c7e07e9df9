package org.safelight.accounts.sends;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
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
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.report.MalformedReportException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;
import org.safelight.server.tokens.Origin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a user's sealed report on their behalf: by email to an address they give, or to one of
 * their enterprise's destinations (an intake endpoint on the internet, posted with a token for that
 * endpoint only, minted here for this user; a mailbox, by email), each within the counts of
 * {@link DailyEmails}. Each returns once the mail server or the endpoint took the report, and
 * records the send on the user's list; a failure sends nothing it can take back and is a
 * {@link Refusal}: {@code destination_unavailable} (not reached; try again), {@code
 * destination_refused} (reached, and it said no: only its code, never its text, is passed on).
 * Logs name no address, URL or patient detail. Thread-safe.
 */
public final class ReportSender {
    private static final Logger LOG = LoggerFactory.getLogger(ReportSender.class);
    private static final Pattern OWN_ID = Pattern.compile("\\d{22}([A-Za-z0-9]{11})?");
    private static final Pattern CODE = Pattern.compile("[a-z_]{1,40}");

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
     * @param pkg the report's package.json: its key server must be this server's or one it trusts
     * @throws Refusal {@code rate_limited} (with when to try again) past a count, {@code not_a_sealed_report}
     *                 for a key server it does not trust, or as above
     */
    public void email(User user, String reportId, String to, Path sealed, PackageJson pkg) {
        trustedKeys(pkg);
        String slot = slot(user, DailyEmails.Kind.EMAIL);
        try {
            mail(new ReportMail(to, user.email(), reportId, sealed, server, ownId(user, reportId)), "the mail server");
        } catch (Refusal e) {
            daily.giveBack(slot);
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
        boolean mailbox = d.kind() == Destination.Kind.MAILBOX;
        String slot = slot(user, mailbox ? DailyEmails.Kind.MAILBOX : DailyEmails.Kind.ENDPOINT);
        try {
            if (mailbox) {
                mail(new ReportMail(d.target(), user.email(), reportId, sealed, server, ownId(user, reportId)),
                        d.name() + "'s mail server");
            } else {
                post(user, member, d, sealed);
            }
        } catch (Refusal e) {
            daily.giveBack(slot);
            throw e;
        }
        record(user, reportId, mailbox ? SendChannel.EMAIL : SendChannel.ENDPOINT, d.target());
        return d;
    }

    /**
     * Whether the ID may go into a mail's subject and attachment name: only one the composer
     * generates for this user (their 9-digit number, the 13-digit time, then 11 letters and digits;
     * older IDs stop after the time), so no one writes their own words into mail from this server.
     */
    static boolean ownId(User user, String reportId) {
        return OWN_ID.matcher(reportId).matches()
                && reportId.startsWith(String.format(Locale.ROOT, "%09d", user.number()));
    }

    /**
     * Refuses a report whose key comes from where this server does not vouch for: only a static
     * key, this server's own key server or one the operator listed ({@code --send-key-servers}) are
     * taken, so the server never mails out a file that sends its recipient to someone else's site.
     */
    private void trustedKeys(PackageJson pkg) {
        if (pkg.hasStaticKey() && !pkg.hasKeyServer()) {
            return;
        }
        try {
            String origin = Origin.of(pkg.keyServerOrigin());
            if (origin.equals(Origin.of(server)) || limits.keyServers().stream().anyMatch(k -> sameOrigin(k, origin))) {
                return;
            }
        } catch (MalformedReportException | IllegalArgumentException e) {
            // refused below
        }
        throw new Refusal(ErrorCode.NOT_A_SEALED_REPORT, "the report was sealed with a key server this server does"
                + " not send for; seal it with this server's key server or your institution's key");
    }

    private static boolean sameOrigin(String listed, String origin) {
        try {
            return Origin.of(listed).equals(origin);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Takes a slot within the counts, or refuses with {@code rate_limited}. */
    private String slot(User user, DailyEmails.Kind kind) {
        Instant now = clock.instant();
        DailyEmails.Slot slot = daily.take(user.id(), kind, DailyEmails.Caps.of(limits), now);
        if (slot instanceof DailyEmails.Slot.Full full) {
            long wait = Math.max(1, Duration.between(now, full.freeAt()).toSeconds());
            String why = switch (full.count()) {
                case USER_DAY -> "this account had " + limits.emailsPerDay()
                        + " reports emailed by the server in the last 24 hours, the most it sends";
                case USER_HOUR -> "this account had the server send " + limits.sendsPerHour()
                        + " reports in the last hour, the most it sends";
                case SERVER_HOUR -> "the server has sent all the emails it sends in an hour";
            };
            throw new Refusal(ErrorCode.RATE_LIMITED, why + "; try again in " + words(wait)
                    + ", or download the report and send it yourself", (int) wait);
        }
        return ((DailyEmails.Slot.Taken) slot).id();
    }

    private void post(User user, Optional<Membership> member, Destination d, Path sealed) {
        URI target = URI.create(d.target());
        // Checked again now, against what the name resolves to at this moment (its DNS may have changed
        // since the destination was saved). The HTTP client resolves once more when it connects, so a
        // name that changes its answer within that instant still gets through: see the README.
        if (!limits.allowPrivateAddresses() && !PublicAddresses.resolvesPublic(target.getHost())) {
            LOG.info("destination {} was not posted to: its address is not a public one", d.id());
            throw new Refusal(ErrorCode.DESTINATION_REFUSED, d.name() + " is not at an address this server sends"
                    + " to; nothing was sent: tell your enterprise's admin");
        }
        String token = tokens.issueForEndpoint(user, member, Origin.of(d.target())).token();
        try {
            endpoints.post(target, token, sealed);
            LOG.info("a report was posted to destination {}", d.id());
        } catch (RefusedException e) {
            // Only a code goes back to the member, never the remote's text: it is not ours to quote.
            String code = e.code() != null && CODE.matcher(e.code()).matches() ? e.code() : "refused";
            LOG.info("destination {} refused a report ({})", d.id(), code);
            throw new Refusal(ErrorCode.DESTINATION_REFUSED, d.name() + " refused the report (" + code + ");"
                    + " nothing was filed there: tell your enterprise's admin if this goes on");
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
