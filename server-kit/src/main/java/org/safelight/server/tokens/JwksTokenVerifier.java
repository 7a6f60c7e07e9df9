package org.safelight.server.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.function.Supplier;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;

/**
 * Verifies ES256 tokens against the accounts role's JWKS, for one {@link TokenAudience}: the header's
 * {@code typ} must be the expected {@link TokenType}'s, {@code iss} the accounts origin, {@code aud}
 * exactly the expected audience (a single value), {@code iat} and {@code exp} present with
 * {@code exp - iat} at most the type's {@link TokenType#maxLifetime()}, {@code iat} and {@code nbf}
 * (when present) not in the future, and the signature canonical (low S, {@link Es256Signatures}).
 * A token that fails any check is 401 {@code invalid_token}; an expired one 401 {@code token_expired}.
 * Clock skew of {@link #LEEWAY} is allowed at both ends. The key set is cached and fetched
 * again when a token names a key id it does not hold (key rotation), at most once per
 * {@link #REFRESH_INTERVAL}, so a flood of forged key ids cannot hammer the accounts server; and
 * fetched again on use once older than {@link #MAX_AGE}, so a key the operator retired stops
 * verifying here within that time (if that fetch fails, the set in hand is kept and the fetch
 * tried again after {@link #REFRESH_INTERVAL}: an unreachable accounts server does not stop
 * verification of keys already known).
 *
 * <p>A token that verified is remembered until it expires: the same compact string always carries
 * the same claims under the same signature, and an ECDSA verification per request would otherwise
 * be the most expensive step of a key fetch. The cache is bounded, holds only verified tokens, and
 * a remembered token passes only while its key is still in the set.
 * Thread-safe.
 */
public final class JwksTokenVerifier implements TokenVerifier {
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);
    static final Duration LEEWAY = Duration.ofSeconds(5);
    static final Duration MAX_AGE = Duration.ofSeconds(60);

    static final int CACHE_SIZE = 10_000;

    private final java.util.function.Function<String, JWKSet> source;
    private final java.util.Map<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();
    private final TokenAudience expected;
    private final Clock clock;
    private volatile JWKSet keys;
    private volatile Instant lastFetch = Instant.MIN;
    private volatile Instant fetchedAt = Instant.MIN;

    private record Verified(UserToken token, String kid) {
    }

    /**
     * @param source   fetches the current key set (over HTTP, or in process); may throw when unreachable
     * @param expected the issuer, audience and type a token must have to pass here
     */
    public JwksTokenVerifier(Supplier<JWKSet> source, TokenAudience expected, Clock clock) {
        this(kid -> source.get(), expected, clock);
    }

    /**
     * @param source   fetches the current key set, given the key id a token names (a source in
     *                 process may read its store again only when it lacks that id)
     * @param expected the issuer, audience and type a token must have to pass here
     */
    public JwksTokenVerifier(java.util.function.Function<String, JWKSet> source, TokenAudience expected, Clock clock) {
        this.source = source;
        this.expected = expected;
        this.clock = clock;
    }

    @Override
    public UserToken verify(String compactJws) {
        Verified known = verified.get(compactJws);
        if (known != null) {
            if (known.token().expiresAt().plus(LEEWAY).isBefore(clock.instant())) {
                verified.remove(compactJws);
                throw new Refusal(ErrorCode.TOKEN_EXPIRED, "the token has expired: refresh it or sign in again");
            }
            refreshIfOld(known.kid());
            if (keys != null && keys.getKeyByKeyId(known.kid()) != null) {
                return known.token();
            }
            verified.remove(compactJws); // its key was retired since: check it again, and refuse it
        }
        Verified fresh = verifySignatureAndClaims(compactJws);
        if (verified.size() >= CACHE_SIZE) {
            verified.clear();
        }
        verified.put(compactJws, fresh);
        return fresh.token();
    }

    /** Fetches the set again once it is older than {@link #MAX_AGE}; keeps the old one if that fails. */
    private void refreshIfOld(String kid) {
        if (keys == null || fetchedAt.plus(MAX_AGE).isAfter(clock.instant()) || !refreshAllowed()) {
            return;
        }
        try {
            keys = source.apply(kid);
            fetchedAt = clock.instant();
        } catch (RuntimeException e) {
            // keep verifying against the keys in hand; refreshAllowed spaces the next attempt
        }
    }

    private Verified verifySignatureAndClaims(String compactJws) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(compactJws);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("the token is not a signed JWT");
        }
        if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
            throw invalid("the token is not signed with ES256");
        }
        if (jwt.getHeader().getType() == null
                || !expected.type().headerType().equals(jwt.getHeader().getType().getType())) {
            throw invalid("this kind of token is not accepted here");
        }
        // Before the signature: a twin (R, n - S) verifies too, and must not pass as another token.
        if (!Es256Signatures.isLowS(jwt.getSignature().decode())) {
            throw invalid("the token's signature is not in canonical (low-S) form");
        }
        String kid = jwt.getHeader().getKeyID();
        refreshIfOld(kid);
        ECKey key = key(kid);
        try {
            if (!jwt.verify(new ECDSAVerifier(key))) {
                throw invalid("the token's signature does not verify");
            }
        } catch (JOSEException e) {
            throw invalid("the token's signature does not verify");
        }
        if (!expected.issuer().equals(claims.getIssuer())) {
            throw invalid("the token was issued by another accounts server");
        }
        if (claims.getAudience().size() != 1 || !expected.audience().equals(claims.getAudience().get(0))) {
            throw invalid("the token is meant for another server");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null || iat == null) {
            throw invalid("the token has no expiry or issue time");
        }
        if (Duration.between(iat.toInstant(), exp.toInstant()).compareTo(expected.type().maxLifetime()) > 0) {
            throw invalid("the token lives longer than tokens of its kind may");
        }
        Date nbf = claims.getNotBeforeTime();
        if (iat.toInstant().minus(LEEWAY).isAfter(now) || (nbf != null && nbf.toInstant().minus(LEEWAY).isAfter(now))) {
            throw invalid("the token is not valid yet");
        }
        if (exp.toInstant().plus(LEEWAY).isBefore(now)) {
            throw new Refusal(ErrorCode.TOKEN_EXPIRED, "the token has expired: refresh it or sign in again");
        }
        try {
            String sub = claims.getSubject();
            String email = claims.getStringClaim("email");
            if (sub == null || email == null) {
                throw invalid("the user token lacks sub or email");
            }
            Boolean verified = claims.getBooleanClaim("email_verified");
            Boolean pro = claims.getBooleanClaim("pro");
            return new Verified(new UserToken(sub, email, Boolean.TRUE.equals(verified),
                    orEmpty(claims.getStringClaim("name")), orEmpty(claims.getStringClaim("title")),
                    orEmpty(claims.getStringClaim("country")), orEmpty(claims.getStringClaim("ent")),
                    Boolean.TRUE.equals(pro), iat.toInstant(), exp.toInstant()), kid);
        } catch (ParseException e) {
            throw invalid("the user token's claims have the wrong types");
        }
    }

    private ECKey key(String kid) {
        if (kid == null) {
            throw invalid("the token names no key id");
        }
        JWK jwk = keys == null ? null : keys.getKeyByKeyId(kid);
        if (jwk == null && refreshAllowed()) {
            try {
                keys = source.apply(kid);
                fetchedAt = clock.instant();
            } catch (RuntimeException e) {
                throw new Refusal(ErrorCode.ACCOUNTS_UNAVAILABLE,
                        "the accounts server's keys could not be fetched to check the user token");
            }
            jwk = keys.getKeyByKeyId(kid);
        }
        if (!(jwk instanceof ECKey ec)) {
            throw invalid("the token was signed with an unknown key");
        }
        return ec;
    }

    private synchronized boolean refreshAllowed() {
        Instant now = clock.instant();
        if (keys != null && lastFetch.plus(REFRESH_INTERVAL).isAfter(now)) {
            return false;
        }
        lastFetch = now;
        return true;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static Refusal invalid(String message) {
        return new Refusal(ErrorCode.INVALID_TOKEN, message);
    }
}
