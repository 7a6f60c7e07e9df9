package org.safelight.accounts.tokens;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.safelight.accounts.enterprise.Membership;
import org.safelight.accounts.users.User;
import org.safelight.server.tokens.Es256Signatures;
import org.safelight.server.tokens.Origin;
import org.safelight.server.tokens.TokenType;

/**
 * Signs tokens (DESIGN §3): a compact ES256 JWS with a canonical (low-S) signature, the signing key's
 * id and the token's {@code typ} in the header, and the claims {@code iss, aud, sub, email,
 * email_verified, name, title, country, ent, pro, iat, nbf, exp} that {@code JwksTokenVerifier}
 * reads. {@code iss} is this server's public origin. A user token ({@link TokenType#USER}) has
 * {@code aud} = {@code iss} and lives {@link #LIFETIME}; a key-server token
 * ({@link TokenType#KEY_SERVER}) has {@code aud} = one key server's origin and lives
 * {@link #KEY_SERVER_LIFETIME}; an endpoint token ({@link TokenType#ENDPOINT}) has {@code aud} = one
 * endpoint's origin and lives {@link #ENDPOINT_LIFETIME}. {@code ent} is empty and {@code pro} false outside an enterprise.
 * Thread-safe.
 */
public final class AccessTokens {
    public static final Duration LIFETIME = TokenType.USER.maxLifetime();
    public static final Duration KEY_SERVER_LIFETIME = TokenType.KEY_SERVER.maxLifetime();
    public static final Duration ENDPOINT_LIFETIME = TokenType.ENDPOINT.maxLifetime();

    private final SigningKeys keys;
    private final String issuer;
    private final Clock clock;

    /** @param publicUrl this accounts server's public address; its origin is every token's issuer */
    public AccessTokens(SigningKeys keys, URI publicUrl, Clock clock) {
        this.keys = keys;
        this.issuer = Origin.of(publicUrl);
        this.clock = clock;
    }

    /** A user token for the accounts, cloud and enterprise routes. */
    public String issue(User user, Optional<Membership> membership) {
        return sign(user, membership, TokenType.USER, issuer, LIFETIME);
    }

    /**
     * A token only the key server at {@code keyServerOrigin} accepts.
     *
     * @param keyServerOrigin an origin as {@link Origin#of} gives it
     */
    public String issueForKeyServer(User user, Optional<Membership> membership, String keyServerOrigin) {
        return sign(user, membership, TokenType.KEY_SERVER, keyServerOrigin, KEY_SERVER_LIFETIME);
    }

    /**
     * A token only the endpoint (an institution's intake) at {@code endpointOrigin} accepts.
     *
     * @param endpointOrigin an origin as {@link Origin#of} gives it
     */
    public Issued issueForEndpoint(User user, Optional<Membership> membership, String endpointOrigin) {
        Instant now = clock.instant();
        return new Issued(sign(user, membership, TokenType.ENDPOINT, endpointOrigin, now, ENDPOINT_LIFETIME),
                now.plus(ENDPOINT_LIFETIME));
    }

    /** A signed token and its {@code exp}. */
    public record Issued(String token, Instant expiresAt) {
    }

    private String sign(User user, Optional<Membership> membership, TokenType type, String audience,
                        Duration lifetime) {
        return sign(user, membership, type, audience, clock.instant(), lifetime);
    }

    private String sign(User user, Optional<Membership> membership, TokenType type, String audience, Instant now,
                        Duration lifetime) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(user.id())
                .claim("email", user.email())
                .claim("email_verified", user.emailVerified())
                .claim("name", user.name())
                .claim("title", user.title())
                .claim("country", user.country())
                .claim("ent", membership.map(Membership::enterpriseId).orElse(""))
                .claim("pro", membership.map(Membership::pro).orElse(false))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .build();
        ECKey key = keys.current();
        return Es256Signatures.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(new JOSEObjectType(type.headerType())).build(), claims, key);
    }
}
