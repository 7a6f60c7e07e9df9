package org.safelight.accounts.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.safelight.accounts.enterprise.Membership;
import org.safelight.accounts.users.User;

/**
 * Signs user tokens (DESIGN §3): a compact ES256 JWS, the signing key's id in the header, and
 * exactly the claims {@code sub, email, email_verified, name, title, country, ent, pro, iat, exp}
 * that {@code JwksTokenVerifier} reads. {@code ent} is empty and {@code pro} false outside an
 * enterprise. Thread-safe.
 */
public final class AccessTokens {
    public static final Duration LIFETIME = Duration.ofMinutes(15);

    private final SigningKeys keys;
    private final Clock clock;

    public AccessTokens(SigningKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    public String issue(User user, Optional<Membership> membership) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user.id())
                .claim("email", user.email())
                .claim("email_verified", user.emailVerified())
                .claim("name", user.name())
                .claim("title", user.title())
                .claim("country", user.country())
                .claim("ent", membership.map(Membership::enterpriseId).orElse(""))
                .claim("pro", membership.map(Membership::pro).orElse(false))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .build();
        ECKey key = keys.current();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a user token failed", e);
        }
        return jwt.serialize();
    }
}
