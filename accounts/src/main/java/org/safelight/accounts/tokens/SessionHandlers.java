package org.safelight.accounts.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.internal.Emails;
import org.safelight.accounts.internal.Limits;
import org.safelight.accounts.internal.Secrets;
import org.safelight.accounts.internal.Storage;
import org.safelight.accounts.users.PasswordHasher;
import org.safelight.accounts.users.User;
import org.safelight.accounts.users.UserStore;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.limits.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in, refresh and sign-out: {@code POST /api/v1/accounts/signin|refresh|signout}. A sign-in
 * answers a 15-minute user token and a 30-day refresh token; the token's enterprise claims are
 * worked out afresh at every sign-in and refresh. A wrong address and a wrong password get the same
 * answer after the same work. An account whose address is not confirmed gets no session (403
 * {@code email_unverified}, only after its password matched). Failed attempts are limited per
 * account and client network, so a stranger's failures never refuse the owner's correct password
 * from the owner's own network; the refusal says when to try again. Thread-safe.
 */
public final class SessionHandlers {
    public static final Duration REFRESH_LIFETIME = Duration.ofDays(30);
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandlers.class);
    private static final int MAX_PASSWORD_CHARS = 4096;

    private final UserStore users;
    private final PasswordHasher hasher;
    private final RefreshTokens refreshTokens;
    private final AccessTokens accessTokens;
    private final Enterprises enterprises;
    private final RateLimiter perIp;
    private final RateLimiter perEmail;
    private final Clock clock;

    /**
     * @param perIp    sign-in attempts per client address
     * @param perEmail failed sign-ins per account address (whether or not it exists) and client network
     */
    public SessionHandlers(UserStore users, PasswordHasher hasher, RefreshTokens refreshTokens,
                           AccessTokens accessTokens, Enterprises enterprises, RateLimiter perIp, RateLimiter perEmail,
                           Clock clock) {
        this.users = users;
        this.hasher = hasher;
        this.refreshTokens = refreshTokens;
        this.accessTokens = accessTokens;
        this.enterprises = enterprises;
        this.perIp = perIp;
        this.perEmail = perEmail;
        this.clock = clock;
    }

    /** {@code {email, password}} → {@code {access_token, token_type, expires_in, refresh_token}}. */
    public void signIn(Context ctx) {
        JsonNode body = Json.body(ctx);
        String rawEmail = Json.text(body, "email");
        String password = Json.text(body, "password");
        perIp.acquire(ctx.ip(), "sign-in attempts");
        String email = Emails.normalize(rawEmail).orElse(rawEmail.strip().toLowerCase(Locale.ROOT));
        String failures = Limits.passwordFailures(email, ctx.ip());
        perEmail.refuseIfExhausted(failures, "failed sign-ins for this account from your network");
        Optional<User> user = users.findByEmail(email);
        boolean matches;
        if (user.isPresent() && password.length() <= MAX_PASSWORD_CHARS) {
            matches = hasher.verify(password, user.get().passwordHash());
        } else {
            hasher.verifyNothing(password.length() <= MAX_PASSWORD_CHARS ? password : "");
            matches = false;
        }
        if (!matches) {
            Limits.quietly(perEmail, failures);
            throw new ApiException(ErrorCode.INVALID_CREDENTIALS, "the email address or the password is wrong");
        }
        User u = user.get();
        if (!u.emailVerified()) {
            throw new ApiException(ErrorCode.EMAIL_UNVERIFIED, "confirm your email address first: open the link in the"
                    + " message we sent to it (or ask for a new one), then sign in");
        }
        String refresh = Secrets.token();
        Instant now = clock.instant();
        Storage.write("a sign-in", () -> {
            if (hasher.needsRehash(u.passwordHash())) {
                users.setPasswordHash(u.id(), hasher.hash(password));
            }
            refreshTokens.add(refresh, UUID.randomUUID().toString(), u.id(), now, now.plus(REFRESH_LIFETIME));
        });
        answer(ctx, u, refresh);
    }

    /**
     * {@code {refresh_token}} → a new pair; the presented refresh token stops working. Presented
     * again within {@link RefreshTokens#GRACE} (two tabs refreshing at once), it gets the same new
     * refresh token back rather than ending the session.
     */
    public void refresh(Context ctx) {
        String presented = Json.text(Json.body(ctx), "refresh_token");
        String successor = Secrets.token();
        Instant now = clock.instant();
        RefreshTokens.Rotation r = Storage.write("a refresh", () -> refreshTokens.rotate(presented, successor, now,
                now.plus(REFRESH_LIFETIME)));
        switch (r.outcome()) {
            case ROTATED, GRACE -> {
                User user = users.findById(r.userId()).filter(User::emailVerified)
                        .orElseThrow(SessionHandlers::invalidRefresh);
                answer(ctx, user, r.refreshToken());
            }
            case REUSED -> {
                LOG.warn("a spent refresh token was presented again; session family {} of user {} revoked",
                        r.familyId(), r.userId());
                throw new ApiException(ErrorCode.REFRESH_TOKEN_REUSED, "this refresh token was used before, so every"
                        + " session that came from the same sign-in has been ended as a precaution: sign in again");
            }
            default -> throw invalidRefresh();
        }
    }

    /** {@code {refresh_token}} → 204; ends the session the token belongs to (unknown tokens too: 204). */
    public void signOut(Context ctx) {
        String presented = Json.text(Json.body(ctx), "refresh_token");
        Storage.write("a sign-out", () -> refreshTokens.revokeFamilyOf(presented, clock.instant()));
        ctx.status(204);
    }

    private void answer(Context ctx, User user, String refreshToken) {
        Map<String, Object> pair = new LinkedHashMap<>();
        pair.put("access_token", accessTokens.issue(user, enterprises.membershipOf(user.email(), user.emailVerified())));
        pair.put("token_type", "Bearer");
        pair.put("expires_in", AccessTokens.LIFETIME.toSeconds());
        pair.put("refresh_token", refreshToken);
        ctx.header("Cache-Control", "no-store").json(pair);
    }

    private static ApiException invalidRefresh() {
        return new ApiException(ErrorCode.INVALID_REFRESH_TOKEN, "the refresh token is not valid (expired, signed out"
                + " or unknown): sign in again");
    }
}
