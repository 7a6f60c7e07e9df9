package org.safelight.server.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Canonical ES256 signatures. An ECDSA signature (R, S) stays valid as (R, n − S), so every token
 * has a twin that verifies; only the one with S ≤ n/2 ("low S") is accepted, and the accounts role
 * writes only that one. A signature is the JWS form: R and S as 32 big-endian bytes each.
 */
public final class Es256Signatures {
    /** The order n of the P-256 group. */
    static final BigInteger N =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    private static final BigInteger HALF_N = N.shiftRight(1);

    private Es256Signatures() {
    }

    /** Whether {@code signature} is 64 bytes with 0 < S ≤ n/2. */
    public static boolean isLowS(byte[] signature) {
        if (signature.length != 64) {
            return false;
        }
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        return s.signum() > 0 && s.compareTo(HALF_N) <= 0;
    }

    /** The low-S form of a 64-byte signature: itself, or (R, n − S). */
    public static byte[] lowS(byte[] signature) {
        if (signature.length != 64) {
            throw new IllegalArgumentException("an ES256 signature is 64 bytes");
        }
        if (isLowS(signature)) {
            return signature.clone();
        }
        BigInteger s = N.subtract(new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)));
        byte[] out = Arrays.copyOf(signature, 64);
        byte[] sBytes = s.toByteArray(); // at most 32 significant bytes, maybe a leading zero
        int significant = Math.min(sBytes.length, 32);
        Arrays.fill(out, 32, 64, (byte) 0);
        System.arraycopy(sBytes, sBytes.length - significant, out, 64 - significant, significant);
        return out;
    }

    /**
     * Signs {@code claims} under {@code header} (ES256) with {@code key} and returns the compact
     * JWS with its signature in low-S form.
     *
     * @throws IllegalStateException when the key cannot sign
     */
    public static String sign(JWSHeader header, JWTClaimsSet claims, ECKey key) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token failed", e);
        }
        String[] parts = jwt.serialize().split("\\.");
        return parts[0] + "." + parts[1] + "." + Base64URL.encode(lowS(jwt.getSignature().decode()));
    }
}
