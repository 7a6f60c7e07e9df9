package org.safelight.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenVerifier;

/** Signs real ES256 user tokens for tests of roles that only verify them. */
public final class TestTokens {
    private final ECKey key;
    private final Clock clock;

    public TestTokens(Clock clock) {
        this.clock = clock;
        try {
            this.key = new ECKeyGenerator(Curve.P_256).keyID("test-" + System.nanoTime()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    public TokenVerifier verifier() {
        return new JwksTokenVerifier(this::publicKeys, clock);
    }

    /** A verified user's token, valid for 15 minutes. */
    public String token(String userId, String email) {
        return token(userId, email, true, "");
    }

    public String token(String userId, String email, boolean emailVerified, String enterpriseId) {
        return sign(new JWTClaimsSet.Builder().subject(userId).claim("email", email)
                .claim("email_verified", emailVerified).claim("name", "Test User").claim("title", "Dr")
                .claim("country", "AU").claim("ent", enterpriseId).claim("pro", !enterpriseId.isEmpty())
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(15)))).build());
    }

    public String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
