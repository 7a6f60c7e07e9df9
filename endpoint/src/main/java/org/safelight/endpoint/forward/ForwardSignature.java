package org.safelight.endpoint.forward;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Safelight-Signature} header of an HTTP forward, made by the endpoint and checked by the
 * institution's middleware.
 *
 * <pre>
 * Safelight-Signature: t=1764201600,v1=5f2b…(64 hex digits)
 *
 * v1 = hex(HMAC-SHA256(secret, t + "." + hex(SHA-256(request body))))
 * </pre>
 *
 * {@code t} is the sending time in Unix seconds; the secret is the bytes of the shared secret file
 * (UTF-8, surrounding white space removed). The body is the exact bytes of the multipart request as
 * received, before any parsing. A receiver must:
 * <ol>
 *   <li>compute the SHA-256 of the raw body (it can do so while streaming it to disk),</li>
 *   <li>check the signature with {@link #verify} — constant-time comparison, and {@code t} no
 *       further than a few minutes from its own clock, so a recorded request cannot be replayed
 *       later,</li>
 *   <li>drop a request whose {@code Safelight-Report-Id} it already holds (retries after a lost
 *       answer send the same report again, with a new {@code t}).</li>
 * </ol>
 * Unknown {@code key=value} pairs are ignored, so a later version can add {@code v2=} beside
 * {@code v1=}. This class has no state and is safe to use from any thread.
 */
public final class ForwardSignature {
    public static final String HEADER = "Safelight-Signature";
    public static final String REPORT_ID_HEADER = "Safelight-Report-Id";
    /** What {@link #verify} allows by default between the sender's and the receiver's clocks. */
    public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);

    private static final HexFormat HEX = HexFormat.of();

    private ForwardSignature() {
    }

    /** The header value for a body whose hex SHA-256 is {@code bodySha256Hex}, signed at {@code at}. */
    public static String sign(byte[] secret, Instant at, String bodySha256Hex) {
        long t = at.getEpochSecond();
        return "t=" + t + ",v1=" + HEX.formatHex(hmac(secret, t, bodySha256Hex.toLowerCase(Locale.ROOT)));
    }

    /**
     * Whether {@code header} is a valid signature of a body whose hex SHA-256 is {@code bodySha256Hex},
     * made with {@code secret} no more than {@code maxSkew} before or after {@code now}. A missing,
     * malformed or stale header is simply not valid; nothing is thrown.
     */
    public static boolean verify(byte[] secret, String header, String bodySha256Hex, Instant now, Duration maxSkew) {
        if (header == null || bodySha256Hex == null) {
            return false;
        }
        Long t = null;
        byte[] given = null;
        for (String pair : header.split(",")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            try {
                if (key.equals("t") && t == null) {
                    t = Long.parseLong(value);
                } else if (key.equals("v1") && given == null && value.length() == 64) {
                    given = HEX.parseHex(value.toLowerCase(Locale.ROOT));
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (t == null || given == null) {
            return false;
        }
        long skew = Math.abs(now.getEpochSecond() - t);
        if (skew > maxSkew.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, t, bodySha256Hex.toLowerCase(Locale.ROOT)), given);
    }

    /** {@link #verify(byte[], String, String, Instant, Duration)} over a body held in memory. */
    public static boolean verify(byte[] secret, String header, byte[] body, Instant now, Duration maxSkew) {
        return verify(secret, header, sha256Hex(body), now, maxSkew);
    }

    static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256().digest(bytes));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] hmac(byte[] secret, long t, String bodySha256Hex) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal((t + "." + bodySha256Hex).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }
}
