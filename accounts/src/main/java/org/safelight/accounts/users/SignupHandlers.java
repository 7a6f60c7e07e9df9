package org.safelight.accounts.users;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.accounts.internal.Limits;
import org.safelight.accounts.internal.Pages;
import org.safelight.accounts.internal.Secrets;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.Json;
import org.safelight.server.limits.RateLimiter;

/**
 * Sign-up and email verification: {@code POST /api/v1/accounts/signup},
 * {@code GET /api/v1/accounts/verify?token=} (the link in the message; answers a page),
 * {@code POST /api/v1/accounts/verify/resend}. Thread-safe.
 */
public final class SignupHandlers {
    private final UserStore users;
    private final OneTimeTokens tokens;
    private final PasswordHasher hasher;
    private final LinkMailer links;
    private final RateLimiter mailPerIp;
    private final RateLimiter mailPerAddress;
    private final Clock clock;

    /**
     * @param mailPerIp      requests that send mail, per client address (429 when exceeded)
     * @param mailPerAddress messages per recipient (silently not sent when exceeded)
     */
    public SignupHandlers(UserStore users, OneTimeTokens tokens, PasswordHasher hasher, LinkMailer links,
                          RateLimiter mailPerIp, RateLimiter mailPerAddress, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.hasher = hasher;
        this.links = links;
        this.mailPerIp = mailPerIp;
        this.mailPerAddress = mailPerAddress;
        this.clock = clock;
    }

    /** {@code {email, password, first_name, last_name, title?, country?}} → 201 {@code {user_id, email, email_verified}}. */
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
        User user = users.create(new NewUser(email, hasher.hash(password), first, last, title, country), clock.instant())
                .orElseThrow(() -> ApiException.conflict("email_taken",
                        "an account with this email address exists already: sign in, or reset its password"));
        if (Limits.quietly(mailPerAddress, email)) {
            links.sendVerification(user);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user_id", user.id());
        answer.put("email", user.email());
        answer.put("email_verified", false);
        ctx.status(201).json(answer);
    }

    /** The link in the verification message: confirms the address once, and says so in a page. */
    public void verify(Context ctx) {
        String token = ctx.queryParam("token");
        if (token == null || token.isBlank() || token.length() > 128) {
            invalid(ctx);
            return;
        }
        OneTimeTokens.Redemption r = tokens.redeem(Secrets.hash(token), OneTimeTokens.Purpose.VERIFY_EMAIL,
                clock.instant());
        switch (r.status()) {
            case REDEEMED -> {
                users.markEmailVerified(r.userId());
                Pages.message(ctx, 200, "Email address confirmed",
                        "Thank you: your email address is confirmed. You can close this page and sign in to Safelight.");
            }
            case EXPIRED -> Pages.message(ctx, 410, "This link has expired",
                    "Links to confirm an address work for 24 hours. Sign in to Safelight and ask for a new one.");
            case USED -> Pages.message(ctx, 410, "This link was already used",
                    "Each link works once. If you opened it before, your address is already confirmed and you can"
                            + " sign in.");
            default -> invalid(ctx);
        }
    }

    /** {@code {email}} → always 202, so that the answer does not tell whether an account exists. */
    public void resend(Context ctx) {
        mailPerIp.acquire(ctx.ip(), "requests for email links");
        String email = ProfileFields.email(Json.text(Json.body(ctx), "email"));
        users.findByEmail(email).filter(u -> !u.emailVerified())
                .filter(u -> Limits.quietly(mailPerAddress, email))
                .ifPresent(links::sendVerification);
        ctx.status(202).json(Map.of("message",
                "if an unconfirmed account has this address, a new link is on its way to it"));
    }

    private static void invalid(Context ctx) {
        Pages.message(ctx, 400, "This link is not valid",
                "Check that the whole link from the message was opened; or sign in and ask for a new one.");
    }
}
