package org.safelight.keys.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The audit chain's hash, defined so it can be recomputed from an export by anyone:
 *
 * <pre>
 * hash(0)  = 32 zero bytes
 * hash(n)  = SHA-256( hash(n-1) || field(seq) || field(time) || field(actor_user_id) || field(actor_email)
 *                     || field(report_id) || field(action) || field(outcome) || field(remote_address) )
 * field(s) = 4-byte big-endian length of UTF-8(s) || UTF-8(s)
 * </pre>
 *
 * where {@code seq} and {@code time} (epoch milliseconds) are written in decimal. Lengths make
 * the encoding unambiguous: no two different events encode to the same bytes. Hashes are stored
 * and exported as lowercase hex.
 */
public final class ChainHash {
    /** The hash before the first event. */
    public static final String GENESIS = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private ChainHash() {
    }

    /** The hash of {@code event} chained after {@code previousHash}; {@code event.hash()} is ignored. */
    public static String next(String previousHash, AuditEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        field(bytes, Long.toString(event.seq()));
        field(bytes, Long.toString(event.time().toEpochMilli()));
        field(bytes, event.actorUserId());
        field(bytes, event.actorEmail());
        field(bytes, event.reportId());
        field(bytes, event.action());
        field(bytes, event.outcome());
        field(bytes, event.remoteAddress());
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(HEX.parseHex(previousHash));
            sha256.update(bytes.toByteArray());
            return HEX.formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void field(ByteArrayOutputStream out, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        int n = utf8.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(utf8);
    }
}
