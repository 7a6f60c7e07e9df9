package org.safelight.accounts.users;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.enterprise.Membership;
import org.safelight.server.http.ApiException;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Json;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;

/** The signed-in user's own profile: {@code GET} and {@code PATCH /api/v1/accounts/me}. Thread-safe. */
public final class ProfileHandlers {
    private final UserStore users;
    private final Enterprises enterprises;
    private final TokenVerifier verifier;

    public ProfileHandlers(UserStore users, Enterprises enterprises, TokenVerifier verifier) {
        this.users = users;
        this.enterprises = enterprises;
        this.verifier = verifier;
    }

    public void show(Context ctx) {
        ctx.header("Cache-Control", "no-store").json(profile(signedIn(ctx)));
    }

    /** {@code {first_name?, last_name?, title?, country?}}: fields left out keep their value. */
    public void update(Context ctx) {
        User user = signedIn(ctx);
        JsonNode body = Json.body(ctx);
        String first = body.has("first_name")
                ? ProfileFields.name("first_name", Json.optionalText(body, "first_name")) : user.firstName();
        String last = body.has("last_name")
                ? ProfileFields.name("last_name", Json.optionalText(body, "last_name")) : user.lastName();
        String title = body.has("title") ? ProfileFields.title(Json.optionalText(body, "title")) : user.title();
        String country = body.has("country") ? ProfileFields.country(Json.optionalText(body, "country")) : user.country();
        User updated = users.updateProfile(user.id(), first, last, title, country).orElseThrow(ProfileHandlers::gone);
        ctx.header("Cache-Control", "no-store").json(profile(updated));
    }

    private User signedIn(Context ctx) {
        UserToken token = verifier.fromRequest(ctx);
        return users.findById(token.userId()).orElseThrow(ProfileHandlers::gone);
    }

    private Map<String, Object> profile(User user) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user_id", user.id());
        out.put("user_number", user.number());
        out.put("email", user.email());
        out.put("email_verified", user.emailVerified());
        out.put("first_name", user.firstName());
        out.put("last_name", user.lastName());
        out.put("title", user.title());
        out.put("country", user.country());
        out.put("created_at", user.createdAt().toString());
        Optional<Membership> membership = enterprises.membershipOf(user.email(), user.emailVerified());
        out.put("enterprise", membership.map(m -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", m.enterpriseId());
            e.put("name", m.name());
            e.put("pro", m.pro());
            e.put("admin", m.admin());
            return e;
        }).orElse(null));
        return out;
    }

    private static ApiException gone() {
        return new ApiException(ErrorCode.INVALID_TOKEN, "the account of this token no longer exists");
    }
}
