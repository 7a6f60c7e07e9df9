package org.safelight.accounts.users;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.safelight.accounts.internal.Limits;
import org.safelight.accounts.internal.Pages;
import org.safelight.accounts.internal.Secrets;
import org.safelight.accounts.internal.Storage;
import org.safelight.accounts.mail.MailQueue;
import org.safelight.accounts.tokens.RefreshTokens;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.http.Refusal;
import org.safelight.server.limits.RateLimiter;

/**
 * Sign-up and email verification: {@code POST /api/v1/accounts/signup} (always 202, so the answer
 * does not tell whether the address has an account), {@code GET /api/v1/accounts/verify?token=}
 * (the link in the message: a page asking for the password chosen at sign-up, whose button posts
 * back to the same address; opening it changes nothing), {@code POST /api/v1/accounts/verify?token=}
 * (with that password, confirms the address and ends every session opened before),
 * {@code POST /api/v1/accounts/verify/resend}. Mail goes out after
 * the answer. Thread-safe.
 */
public final class SignupHandlers {
    /** My Safelight's sign-in, relative to the verification page ({@code /api/v1/accounts/verify}). */
    private static final Pages.Onward SIGN_IN = new Pages.Onward("../../../app/#/signin", "Sign in to My Safelight");
    private static final int MAX_PASSWORD_CHARS = 4096;
    private final UserStore users;
    private final OneTimeTokens tokens;
    private final RefreshTokens refreshTokens;
    private final PasswordHasher hasher;
    private final LinkMailer links;
    private final MailQueue mail;
    private final RateLimiter mailPerIp;
    private final RateLimiter mailPerAddress;
    private final RateLimiter passwordFailures;
    private final Clock clock;

    /**
     * @param mailPerIp      requests that send mail, per client address (429 when exceeded)
     * @param mailPerAddress messages per recipient (silently not sent when exceeded)
     * @param passwordFailures wrong passwords per account and client network, shared with sign-in
     *                         ({@link Limits#passwordFailures}; 429 when exhausted)
     */
    public SignupHandlers(UserStore users, OneTimeTokens tokens, RefreshTokens refreshTokens, PasswordHasher hasher,
                          LinkMailer links, MailQueue mail, RateLimiter mailPerIp, RateLimiter mailPerAddress,
                          RateLimiter passwordFailures, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.refreshTokens = refreshTokens;
        this.hasher = hasher;
        this.links = links;
        this.mail = mail;
        this.mailPerIp = mailPerIp;
        this.mailPerAddress = mailPerAddress;
        this.passwordFailures = passwordFailures;
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
            throw new ApiException(ErrorCode.WEAK_PASSWORD, problem);
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
        answer.put("message", "a link to confirm the address is on its way to it: open it, enter this password on its page,"
                + " then sign in");
        ctx.status(202).json(answer);
    }

    /** The link in the verification message: a page asking for the sign-up password, with one button. */
    public void verifyPage(Context ctx) {
        String token = ctx.queryParam("token");
        OneTimeTokens.Redemption.Status status = lookup(token, clock.instant()).status();
        if (status == OneTimeTokens.Redemption.Status.USABLE) {
            Pages.verifyForm(ctx, 200, action(token), null);
        } else {
            refusalPage(ctx, status);
        }
    }

    /**
     * The page's form (token in the query string, as in the link; {@code password} in the form), or
     * a client's JSON {@code {token, password}}: confirms the address once, and only with the
     * password chosen at sign-up, so that whoever holds the mailbox cannot confirm an account
     * someone else made with the address. A wrong password spends nothing and counts as a failed
     * sign-in of the account (the same limit, so it cannot be guessed here instead). Confirming
     * ends every session opened before (there should be none: unverified accounts cannot sign in).
     * A page for the form, JSON otherwise.
     */
    public void verify(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        boolean json = type.startsWith("application/json");
        String token;
        String password;
        if (json) {
            JsonNode body = Json.body(ctx);
            String fromBody = Json.optionalText(body, "token");
            token = !fromBody.isEmpty() ? fromBody : ctx.queryParam("token");
            password = Json.optionalText(body, "password");
        } else {
            token = ctx.queryParam("token");
            password = ctx.formParam("password");
        }
        Instant now = clock.instant();
        OneTimeTokens.Redemption state = lookup(token, now);
        Optional<User> user = state.status() == OneTimeTokens.Redemption.Status.USABLE
                ? users.findById(state.userId()) : Optional.empty();
        if (user.isEmpty()) {
            refuse(ctx, json, state.status() == OneTimeTokens.Redemption.Status.USABLE
                    ? OneTimeTokens.Redemption.Status.UNKNOWN : state.status());
            return;
        }
        if (!passwordMatches(ctx, json, token, user.get(), password)) {
            return;
        }
        OneTimeTokens.Redemption r = Storage.write("a verification", () -> tokens.redeem(Secrets.hash(token),
                OneTimeTokens.Purpose.VERIFY_EMAIL, now));
        OneTimeTokens.Redemption.Status status = r.status();
        if (status == OneTimeTokens.Redemption.Status.REDEEMED) {
            boolean marked = user.get().id().equals(r.userId()) && Storage.write("a verification", () -> {
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
                    "Thank you: your email address is confirmed. Sign in to My Safelight with it and your password,"
                            + " or with 'safelight login' on the command line.", SIGN_IN);
        } else {
            refusalPage(ctx, status);
        }
    }

    /**
     * Whether {@code password} is the account's; if not, the refusal is answered (the form again
     * with the reason, or JSON). Failures are limited per account and client network, together
     * with failed sign-ins; an empty password is no guess and is not counted.
     */
    private boolean passwordMatches(Context ctx, boolean json, String token, User user, String password) {
        String failures = Limits.passwordFailures(user.email(), ctx.ip());
        try {
            passwordFailures.refuseIfExhausted(failures, "wrong passwords for this account from your network");
        } catch (Refusal limited) {
            if (json) {
                throw limited;
            }
            if (limited.retryAfterSeconds() != null) {
                ctx.header("Retry-After", String.valueOf(limited.retryAfterSeconds()));
            }
            Pages.verifyForm(ctx, 429, action(token), "Not confirmed: " + limited.getMessage() + ".");
            return false;
        }
        if (password == null || password.isEmpty()) {
            if (json) {
                throw new ApiException(ErrorCode.INVALID_CREDENTIALS,
                        "give the password chosen at sign-up (password) with the token");
            }
            Pages.verifyForm(ctx, 400, action(token), "Not confirmed: enter the password you chose when you signed up.");
            return false;
        }
        boolean matches = password.length() <= MAX_PASSWORD_CHARS && hasher.verify(password, user.passwordHash());
        if (!matches) {
            Limits.quietly(passwordFailures, failures);
            if (json) {
                throw new ApiException(ErrorCode.INVALID_CREDENTIALS, "this is not the password chosen at sign-up");
            }
            Pages.verifyForm(ctx, 400, action(token), "Not confirmed: this is not the password chosen at sign-up."
                    + " If you did not sign up for Safelight yourself, leave it: the account stays unconfirmed.");
            return false;
        }
        return true;
    }

    /** The form's target, relative to this page's own address, so that it works behind a path prefix too. */
    private static String action(String token) {
        return "verify?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private OneTimeTokens.Redemption lookup(String token, Instant now) {
        return tokens.lookupPresented(token, OneTimeTokens.Purpose.VERIFY_EMAIL, now);
    }

    private static void refuse(Context ctx, boolean json, OneTimeTokens.Redemption.Status status) {
        if (json) {
            answerJson(ctx, status);
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


    private static void answerJson(Context ctx, OneTimeTokens.Redemption.Status status) {
        switch (status) {
            case REDEEMED -> ctx.status(200).json(Map.of("email_verified", true));
            case EXPIRED -> throw new ApiException(ErrorCode.LINK_EXPIRED,
                    "this link has expired (links to confirm an address work for 24 hours): ask for a new one");
            case USED -> throw new ApiException(ErrorCode.LINK_USED, "this link was already used");
            default -> throw new ApiException(ErrorCode.INVALID_LINK, "this is not a valid link to confirm an address");
        }
    }

    private static void refusalPage(Context ctx, OneTimeTokens.Redemption.Status status) {
        switch (status) {
            case EXPIRED -> Pages.message(ctx, 410, "This link has expired",
                    "Links to confirm an address work for 24 hours. Ask for a new one where you sign in to Safelight.",
                    SIGN_IN);
            case USED -> Pages.message(ctx, 410, "This link was already used",
                    "Each link works once. If you opened it before, your address is already confirmed and you can"
                            + " sign in.", SIGN_IN);
            default -> Pages.message(ctx, 400, "This link is not valid",
                    "Check that the whole link from the newest message was opened (a new sign-up with the same"
                            + " address replaces the earlier link), or ask for a new one where you sign in.", SIGN_IN);
        }
    }
}
