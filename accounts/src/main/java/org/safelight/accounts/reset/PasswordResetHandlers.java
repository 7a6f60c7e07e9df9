package org.safelight.accounts.reset;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safelight.accounts.enterprise.EnterpriseCredentials;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.internal.Limits;
import org.safelight.accounts.internal.Pages;
import org.safelight.accounts.internal.Secrets;
import org.safelight.accounts.mail.MailQueue;
import org.safelight.accounts.tokens.RefreshTokens;
import org.safelight.accounts.users.LinkMailer;
import org.safelight.accounts.users.OneTimeTokens.Purpose;
import org.safelight.accounts.users.OneTimeTokens.Redemption;
import org.safelight.accounts.users.OneTimeTokens;
import org.safelight.accounts.users.PasswordHasher;
import org.safelight.accounts.users.PasswordRules;
import org.safelight.accounts.users.ProfileFields;
import org.safelight.accounts.users.User;
import org.safelight.accounts.users.UserStore;
import org.safelight.server.enterprise.EnterpriseAuthority;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Html;
import org.safelight.server.http.Json;
import org.safelight.server.limits.RateLimiter;

/**
 * Password reset: {@code POST /api/v1/accounts/password-reset} (always 202) mails a link to
 * {@code GET /app/reset-password?token=}, a page whose plain form posts to
 * {@code POST /api/v1/accounts/password-reset/complete}; that route also takes JSON
 * {@code {token, password}} from other clients. Completing spends the link (one hour, once), sets
 * the password, counts the address as verified (the link reached its mailbox) and ends every
 * session of the user. If the user administers an enterprise, the form lists the API keys and Key
 * Server Tokens made since the address was confirmed, and completing with
 * {@code revoke_credentials} revokes them all in the same step. The mail goes out after the
 * answer, so a request takes the same time whether or not the account exists. Viewing the form
 * changes nothing; only its post does. Thread-safe.
 */
public final class PasswordResetHandlers {
    // The form's target, relative to where the form is shown: the page the link opens, or the
    // completion route itself when the form comes back with a reason.
    private static final String ACTION_FROM_PAGE = "../api/v1/accounts/password-reset/complete";
    private static final String ACTION_FROM_COMPLETION = "complete";
    /** My Safelight's sign-in, from the page the link opens ({@code /app/reset-password}) and from the completion. */
    private static final Pages.Onward SIGN_IN_FROM_PAGE = new Pages.Onward("../app/#/signin", "Sign in to My Safelight");
    private static final Pages.Onward SIGN_IN_FROM_COMPLETION = new Pages.Onward("../../../../app/#/signin",
            "Sign in to My Safelight");

    private final UserStore users;
    private final OneTimeTokens tokens;
    private final RefreshTokens refreshTokens;
    private final PasswordHasher hasher;
    private final LinkMailer links;
    private final MailQueue mail;
    private final Enterprises enterprises;
    private final EnterpriseCredentials credentials;
    private final RateLimiter mailPerIp;
    private final RateLimiter mailPerAddress;
    private final Clock clock;

    public PasswordResetHandlers(UserStore users, OneTimeTokens tokens, RefreshTokens refreshTokens,
                                 PasswordHasher hasher, LinkMailer links, MailQueue mail, Enterprises enterprises,
                                 EnterpriseCredentials credentials, RateLimiter mailPerIp,
                                 RateLimiter mailPerAddress, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.refreshTokens = refreshTokens;
        this.hasher = hasher;
        this.links = links;
        this.mail = mail;
        this.enterprises = enterprises;
        this.credentials = credentials;
        this.mailPerIp = mailPerIp;
        this.mailPerAddress = mailPerAddress;
        this.clock = clock;
    }

    /** {@code {email}} → 202 whether or not the address has an account. */
    public void request(Context ctx) {
        mailPerIp.acquire(ctx.ip(), "password reset requests");
        String email = ProfileFields.email(Json.text(Json.body(ctx), "email"));
        mail.later("a password reset link", () -> users.findByEmail(email)
                .filter(u -> Limits.quietly(mailPerAddress, email))
                .ifPresent(links::sendPasswordReset));
        ctx.status(202).json(Map.of("message",
                "if an account has this address, a link to choose a new password is on its way to it"));
    }

    /** The page the emailed link opens: the form, or why the link cannot be used. */
    public void form(Context ctx) {
        String token = ctx.queryParam("token");
        Redemption state = lookup(token);
        if (state.status() == Redemption.Status.USABLE) {
            Pages.resetForm(ctx, 200, ACTION_FROM_PAGE, token, null, credentialsSinceVerified(state.userId()));
        } else {
            refusalPage(ctx, state.status(), SIGN_IN_FROM_PAGE);
        }
    }

    /** Form fields or JSON {@code {token, password}}: a page for the form, 204 for JSON. */
    public void complete(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType();
        boolean form = type.startsWith("application/x-www-form-urlencoded");
        String token;
        String password;
        String confirm;
        boolean revokeCredentials;
        if (form) {
            token = ctx.formParam("token");
            password = ctx.formParam("password");
            confirm = ctx.formParam("password_confirm");
            revokeCredentials = "yes".equals(ctx.formParam("revoke_credentials"));
        } else {
            JsonNode body = Json.body(ctx);
            token = Json.text(body, "token");
            password = Json.text(body, "password");
            confirm = null;
            revokeCredentials = body.path("revoke_credentials").asBoolean(false);
        }
        Redemption state = lookup(token);
        if (state.status() != Redemption.Status.USABLE) {
            refuse(ctx, form, state.status());
            return;
        }
        User user = users.findById(state.userId()).orElseThrow(() -> ApiException.notFound("no such account"));
        Optional<String> problem = password == null || password.isEmpty()
                ? Optional.of("type the new password")
                : confirm != null && !confirm.equals(password)
                ? Optional.of("the two passwords differ: type the same one twice")
                : PasswordRules.problem(password, user.email(), user.firstName(), user.lastName());
        if (problem.isPresent()) {
            if (form) {
                String field = password != null && !password.isEmpty() && confirm != null && !confirm.equals(password)
                        ? "password_confirm" : "password";
                Pages.resetForm(ctx, 400, ACTION_FROM_COMPLETION, token,
                        new Pages.FieldError(field, "Not changed: " + problem.get() + "."),
                        credentialsSinceVerified(user.id()));
                return;
            }
            throw new ApiException(ErrorCode.WEAK_PASSWORD, problem.get());
        }
        String hash = hasher.hash(password);
        Instant now = clock.instant();
        Redemption spent = tokens.redeem(Secrets.hash(token), Purpose.RESET_PASSWORD, now);
        if (spent.status() != Redemption.Status.REDEEMED) {
            refuse(ctx, form, spent.status());
            return;
        }
        // which credentials are listed depends on when the address was confirmed before this reset
        Optional<Instant> verifiedAt = users.verifiedAt(user.id());
        int revoked = revokeCredentials ? verifiedAt.flatMap(since -> enterprises.findByAdmin(user.email())
                .map(e -> credentials.revokeSince(e.id(), since))).orElse(0) : 0;
        users.setPasswordHash(user.id(), hash);
        users.markEmailVerified(user.id(), now);
        tokens.useAll(user.id(), Purpose.RESET_PASSWORD, now);
        refreshTokens.revokeAllOf(user.id(), now);
        if (form) {
            Pages.message(ctx, 200, "Password changed",
                    "Your new password is set, and every device that was signed in has been signed out."
                            + (revoked > 0 ? " The enterprise credentials listed (" + revoked + ") are revoked." : "")
                            + " Sign in to Safelight with the new password.", SIGN_IN_FROM_COMPLETION);
        } else {
            ctx.status(204);
        }
    }

    /** The enterprise credentials made since the user's address was confirmed, if the user administers an enterprise. */
    private List<Pages.Credential> credentialsSinceVerified(String userId) {
        Optional<User> user = users.findById(userId);
        Optional<Instant> since = users.verifiedAt(userId);
        if (user.isEmpty() || since.isEmpty()) {
            return List.of();
        }
        return enterprises.findByAdmin(user.get().email())
                .map(e -> credentials.liveSince(e.id(), since.get()).stream()
                        .map(c -> new Pages.Credential(c.kind() == EnterpriseAuthority.Credential.API_KEY
                                ? "API key" : "Key Server Token", c.id(), c.last4(), Html.when(c.createdAt())))
                        .toList())
                .orElse(List.of());
    }

    private Redemption lookup(String token) {
        return tokens.lookupPresented(token, Purpose.RESET_PASSWORD, clock.instant());
    }

    private static void refuse(Context ctx, boolean form, Redemption.Status status) {
        if (form) {
            refusalPage(ctx, status, SIGN_IN_FROM_COMPLETION);
            return;
        }
        throw switch (status) {
            case EXPIRED -> new ApiException(ErrorCode.LINK_EXPIRED,
                    "this password reset link has expired (links work for one hour): ask for a new one");
            case USED -> new ApiException(ErrorCode.LINK_USED, "this password reset link was already used");
            default -> new ApiException(ErrorCode.INVALID_LINK, "this is not a valid password reset link");
        };
    }

    private static void refusalPage(Context ctx, Redemption.Status status, Pages.Onward signIn) {
        switch (status) {
            case EXPIRED -> Pages.message(ctx, 410, "This link has expired",
                    "Links to choose a new password work for one hour. Ask for a new one where you sign in.", signIn);
            case USED -> Pages.message(ctx, 410, "This link was already used",
                    "Each link works once. If the password was not changed, ask for a new link where you sign in.",
                    signIn);
            default -> Pages.message(ctx, 400, "This link is not valid",
                    "Check that the whole link from the message was opened, or ask for a new one where you sign in.",
                    signIn);
        }
    }
}
