package org.safelight.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.time.Clock;
import java.util.Date;
import org.safelight.server.tokens.Es256Signatures;
import org.safelight.server.tokens.JwksTokenVerifier;
import org.safelight.server.tokens.TokenAudience;
import org.safelight.server.tokens.TokenType;
import org.safelight.server.tokens.TokenVerifier;

/**
 * Signs real ES256 tokens, as the accounts role at {@link #ISSUER} would, for tests of roles that
 * only verify them: user tokens ({@code new TestTokens(clock)}, for accounts, cloud and enterprise
 * routes), tokens scoped to the key server at {@link #KEY_SERVER} ({@link #forKeyServer}) or to the
 * endpoint at {@link #ENDPOINT} ({@link #forEndpoint}).
 * {@link #verifier()} accepts exactly the kind {@link #token} signs.
 */
public final class TestTokens {
    public static final URI ISSUER = URI.create("https://accounts.test.example");
    public static final URI KEY_SERVER = URI.create("https://keys.test.example");
    public static final URI ENDPOINT = URI.create("https://endpoint.test.example");

    private final ECKey key;
    private final Clock clock;
    private final TokenAudience audience;

    /** User tokens of {@link #ISSUER}. */
    public TestTokens(Clock clock) {
        this(clock, TokenAudience.users(ISSUER));
    }

    private TestTokens(Clock clock, TokenAudience audience) {
        this.clock = clock;
        this.audience = audience;
        try {
            this.key = new ECKeyGenerator(Curve.P_256).keyID("test-" + System.nanoTime()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tokens scoped to the key server at {@link #KEY_SERVER}, as a token exchange gives them. */
    public static TestTokens forKeyServer(Clock clock) {
        return new TestTokens(clock, TokenAudience.keyServer(ISSUER, KEY_SERVER));
    }

    /** Tokens scoped to the endpoint at {@link #ENDPOINT}, as the endpoint-token exchange gives them. */
    public static TestTokens forEndpoint(Clock clock) {
        return new TestTokens(clock, TokenAudience.endpoint(ISSUER, ENDPOINT));
    }

    /** Tokens of another kind signed with this very key, claims alike: to prove kinds never pass for each other. */
    public String signAs(JWTClaimsSet claims, TokenAudience as) {
        return sign(new JWTClaimsSet.Builder(claims).audience(as.audience()).build(), as.type());
    }

    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    /** What a role that accepts this kind of token expects. */
    public TokenAudience audience() {
        return audience;
    }

    public TokenVerifier verifier() {
        return new JwksTokenVerifier(this::publicKeys, audience, clock);
    }

    /** A verified user's token, valid as long as its kind may be. */
    public String token(String userId, String email) {
        return token(userId, email, true, "");
    }

    public String token(String userId, String email, boolean emailVerified, String enterpriseId) {
        return sign(claims(userId, email, emailVerified, enterpriseId).build());
    }

    /** The claims of {@link #token}, to change one before {@link #sign}ing. */
    public JWTClaimsSet.Builder claims(String userId, String email, boolean emailVerified, String enterpriseId) {
        Date now = Date.from(clock.instant());
        return new JWTClaimsSet.Builder().issuer(audience.issuer()).audience(audience.audience()).subject(userId)
                .claim("email", email).claim("email_verified", emailVerified).claim("name", "Test User")
                .claim("title", "Dr").claim("country", "AU").claim("ent", enterpriseId)
                .claim("pro", !enterpriseId.isEmpty()).issueTime(now).notBeforeTime(now)
                .expirationTime(Date.from(clock.instant().plus(audience.type().maxLifetime())));
    }

    /** Signs {@code claims} with this kind's header type, low S. */
    public String sign(JWTClaimsSet claims) {
        return sign(claims, audience.type());
    }

    /** Signs {@code claims} with the header type of {@code type} (null: plain {@code JWT}), low S. */
    public String sign(JWTClaimsSet claims, TokenType type) {
        return Es256Signatures.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(type == null ? JOSEObjectType.JWT : new JOSEObjectType(type.headerType())).build(), claims, key);
    }
}
