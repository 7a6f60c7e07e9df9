package org.safelight.accounts.users;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.accounts.internal.Limits;
import org.safelight.accounts.internal.Pages;
import org.safelight.accounts.internal.Secrets;
import org.safelight.accounts.internal.Storage;
import org.safelight.accounts.mail.MailQueue;
import org.safelight.accounts.tokens.RefreshTokens;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.Json;
import org.safelight.server.limits.RateLimiter;

/**
 * Sign-up and email verification: {@code POST /api/v1/accounts/signup} (always 202, so the answer
 * does not tell whether the address has an account), {@code GET /api/v1/accounts/verify?token=}
 * (the link in the message: a page whose button posts back to the same address; opening it
 * changes nothing), {@code POST /api/v1/accounts/verify?token=} (confirms the address and ends
 * every session opened before), {@code POST /api/v1/accounts/verify/resend}. Mail goes out after
 * the answer. Thread-safe.
 */
public final class SignupHandlers {
    private final UserStore users;
    private final OneTimeTokens tokens;
    private final RefreshTokens refreshTokens;
    private final PasswordHasher hasher;
    private final LinkMailer links;
    private final MailQueue mail;
    private final RateLimiter mailPerIp;
    private final RateLimiter mailPerAddress;
    private final Clock clock;

    /**
     * @param mailPerIp      requests that send mail, per client address (429 when exceeded)
     * @param mailPerAddress messages per recipient (silently not sent when exceeded)
     */
    public SignupHandlers(UserStore users, OneTimeTokens tokens, RefreshTokens refreshTokens, PasswordHasher hasher,
                          LinkMailer links, MailQueue mail, RateLimiter mailPerIp, RateLimiter mailPerAddress,
                          Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.refreshTokens = refreshTokens;
        this.hasher = hasher;
        this.links = links;
        this.mail = mail;
        this.mailPerIp = mailPerIp;
        this.mailPerAddress = mailPerAddress;
        this.clock = clock;
    }

    /**
     * {@code {email, password, first_name, last_name, title?, country?}} → 202
     * {@code {email, email_verified: false, message}} for every address. A new address gets an
     * unverified account and a link; an unverified one gets a new account in place of the pending
     * one (whose password and link stop working); a verified one stays as it is and its owner is
     * told that someone tried.
     */
    public void signup(Context ctx) {
        mailPerIp.acquire(ctx.ip(), "sign-ups from this address");
        JsonNode body = Json.body(ctx);
        String email = ProfileFields.email(Json.text(body, "email"));
        String password = Json.text(body, "password");
        String first = ProfileFields.name("first_name", Json.optionalText(body, "first_name"));
        String last = ProfileFields.name("last_name", Json.optionalText(body, "last_name"));
        String title = ProfileFields.title(Json.optionalText(body, "title"));
        String country = ProfileFields.country(Json.optionalText(body, "country"));
        PasswordRules.problem(password, email, first, last).ifPresent(problem -> {
            throw new ApiException(400, "weak_password", problem);
        });
        NewUser fresh = new NewUser(email, hasher.hash(password), first, last, title, country);
        UserStore.SignUp done = Storage.write("a sign-up", () -> users.signUp(fresh, clock.instant()));
        mail.later("a sign-up message", () -> {
            if (!Limits.quietly(mailPerAddress, email)) {
                return;
            }
            if (done.outcome() == UserStore.SignUp.Outcome.TAKEN) {
                links.sendAddressTaken(done.user());
            } else {
                links.sendVerification(done.user());
            }
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("email", email);
        answer.put("email_verified", false);
        answer.put("message", "a link to confirm the address is on its way to it: open it, then sign in");
        ctx.status(202).json(answer);
    }

    /** The link in the verification message: a page with one button that posts back here. */
    public void verifyPage(Context ctx) {
        String token = ctx.queryParam("token");
        OneTimeTokens.Redemption.Status status = wellFormed(token)
                ? tokens.lookup(Secrets.hash(token), OneTimeTokens.Purpose.VERIFY_EMAIL, clock.instant()).status()
                : OneTimeTokens.Redemption.Status.UNKNOWN;
        if (status == OneTimeTokens.Redemption.Status.USABLE) {
            // relative to this page's own address, so that it works behind a path prefix too
            Pages.verifyForm(ctx, "verify?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        } else {
            refusalPage(ctx, status);
        }
    }

    /**
     * The button's post (token in the query string, as in the link), or a client's JSON
     * {@code {token}}: confirms the address once and ends every session opened before (there
     * should be none: unverified accounts cannot sign in). A page for the button, JSON otherwise.
     */
    public void verify(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        boolean json = type.startsWith("application/json");
        String fromBody = json ? Json.optionalText(Json.body(ctx), "token") : null;
        String token = fromBody != null ? fromBody : ctx.queryParam("token");
        Instant now = clock.instant();
        OneTimeTokens.Redemption r = wellFormed(token)
                ? Storage.write("a verification", () -> tokens.redeem(Secrets.hash(token),
                        OneTimeTokens.Purpose.VERIFY_EMAIL, now))
                : new OneTimeTokens.Redemption(OneTimeTokens.Redemption.Status.UNKNOWN, null);
        OneTimeTokens.Redemption.Status status = r.status();
        if (status == OneTimeTokens.Redemption.Status.REDEEMED) {
            boolean marked = Storage.write("a verification", () -> {
                boolean changed = users.markEmailVerified(r.userId(), now);
                refreshTokens.revokeAllOf(r.userId(), now);
                return changed;
            });
            if (!marked) {
                // replaced by a new sign-up between the two steps: this link's account is gone
                status = OneTimeTokens.Redemption.Status.UNKNOWN;
            }
        }
        if (json) {
            answerJson(ctx, status);
        } else if (status == OneTimeTokens.Redemption.Status.REDEEMED) {
            Pages.message(ctx, 200, "Email address confirmed",
                    "Thank you: your email address is confirmed. You can close this page and sign in to Safelight.");
        } else {
            refusalPage(ctx, status);
        }
    }

    /** {@code {email}} → always 202, so that the answer does not tell whether an account exists. */
    public void resend(Context ctx) {
        mailPerIp.acquire(ctx.ip(), "requests for email links");
        String email = ProfileFields.email(Json.text(Json.body(ctx), "email"));
        mail.later("a new verification link", () -> users.findByEmail(email).filter(u -> !u.emailVerified())
                .filter(u -> Limits.quietly(mailPerAddress, email))
                .ifPresent(links::sendVerification));
        ctx.status(202).json(Map.of("message",
                "if an unconfirmed account has this address, a new link is on its way to it"));
    }

    private static boolean wellFormed(String token) {
        return token != null && !token.isBlank() && token.length() <= 128;
    }

    private static void answerJson(Context ctx, OneTimeTokens.Redemption.Status status) {
        switch (status) {
            case REDEEMED -> ctx.status(200).json(Map.of("email_verified", true));
            case EXPIRED -> throw new ApiException(410, "link_expired",
                    "this link has expired (links to confirm an address work for 24 hours): ask for a new one");
            case USED -> throw new ApiException(410, "link_used", "this link was already used");
            default -> throw new ApiException(400, "invalid_link", "this is not a valid link to confirm an address");
        }
    }

    private static void refusalPage(Context ctx, OneTimeTokens.Redemption.Status status) {
        switch (status) {
            case EXPIRED -> Pages.message(ctx, 410, "This link has expired",
                    "Links to confirm an address work for 24 hours. Ask for a new one where you sign in to Safelight.");
            case USED -> Pages.message(ctx, 410, "This link was already used",
                    "Each link works once. If you opened it before, your address is already confirmed and you can"
                            + " sign in.");
            default -> Pages.message(ctx, 400, "This link is not valid",
                    "Check that the whole link from the newest message was opened (a new sign-up with the same"
                            + " address replaces the earlier link), or ask for a new one where you sign in.");
        }
    }
}
