package org.safelight.server.tokens;

import io.javalin.http.Context;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;

/** Checks a user token offline. Implementations are thread-safe. */
public interface TokenVerifier {

    /**
     * @throws Refusal 401 {@code invalid_token} or {@code token_expired}
     */
    UserToken verify(String compactJws);

    /** The bearer token of a request, verified; 401 when there is none. */
    default UserToken fromRequest(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
            throw new Refusal(ErrorCode.UNAUTHORIZED, "sign in first: this needs 'Authorization: Bearer <user token>'");
        }
        return verify(header.substring(7).trim());
    }
}
