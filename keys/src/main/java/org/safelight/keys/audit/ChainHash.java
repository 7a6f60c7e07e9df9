package org.safelight.keys.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;

/**
 * The audit chain's links. Every event is encoded the same way:
 *
 * <pre>
 * enc(e)   = field(seq) || field(time) || field(actor_user_id) || field(actor_email) || field(report_id)
 *            || field(action) || field(outcome) || field(remote_address)
 * field(s) = 4-byte big-endian length of UTF-8(s) || UTF-8(s)
 * hash(0)  = 32 zero bytes
 * </pre>
 *
 * where {@code seq} and {@code time} (epoch milliseconds) are written in decimal; lengths make the
 * encoding unambiguous. Events up to the head's {@code keyed_from} (those written before the chain
 * was keyed) are linked by {@link #next}: {@code hash(n) = SHA-256(hash(n-1) || enc(e))}. Every later
 * event is linked by {@link #keyed}:
 * {@code hash(n) = HMAC-SHA256(K, hash(n-1) || enc(e) || field(keyed_from))}, with {@code K} the
 * {@link ChainKey}; {@code keyed_from} inside the MAC pins where keying began, so it cannot be moved
 * to turn keyed events into plain ones. {@code keyed_from} itself is authenticated in the head by
 * {@link #boundary}: {@code HMAC-SHA256(K, "keyed_from:" || keyed_from)}, so it cannot be raised to
 * pass keyed events off as plain ones either. Hashes are stored and exported as lowercase hex.
 */
public final class ChainHash {
    /** The hash before the first event. */
    public static final String GENESIS = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private ChainHash() {
    }

    /** The plain SHA-256 link of {@code event} after {@code previousHash}; {@code event.hash()} is ignored. */
    public static String next(String previousHash, AuditEvent event) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(HEX.parseHex(previousHash));
            sha256.update(encode(event).toByteArray());
            return HEX.formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The keyed link of {@code event} after {@code previousHash}, keying having begun after {@code keyedFrom}. */
    public static String keyed(ChainKey key, String previousHash, AuditEvent event, long keyedFrom) {
        ByteArrayOutputStream bytes = encode(event);
        field(bytes, Long.toString(keyedFrom));
        Mac mac = key.mac();
        mac.update(HEX.parseHex(previousHash));
        mac.update(bytes.toByteArray());
        return HEX.formatHex(mac.doFinal());
    }

    /** The MAC that authenticates {@code keyed_from = keyedFrom} in the head (lowercase hex). */
    public static String boundary(ChainKey key, long keyedFrom) {
        return HEX.formatHex(key.mac().doFinal(("keyed_from:" + keyedFrom).getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code mac} is {@link #boundary} of {@code keyedFrom}, compared in constant time. */
    static boolean authenticates(ChainKey key, long keyedFrom, String mac) {
        return mac != null && MessageDigest.isEqual(boundary(key, keyedFrom).getBytes(StandardCharsets.US_ASCII),
                mac.getBytes(StandardCharsets.US_ASCII));
    }

    /** The link the chain holds for {@code event}: plain up to {@code keyedFrom}, keyed after. */
    static String link(ChainKey key, String previousHash, AuditEvent event, long keyedFrom) {
        return event.seq() <= keyedFrom ? next(previousHash, event) : keyed(key, previousHash, event, keyedFrom);
    }

    private static ByteArrayOutputStream encode(AuditEvent event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        field(bytes, Long.toString(event.seq()));
        field(bytes, Long.toString(event.time().toEpochMilli()));
        field(bytes, event.actorUserId());
        field(bytes, event.actorEmail());
        field(bytes, event.reportId());
        field(bytes, event.action());
        field(bytes, event.outcome());
        field(bytes, event.remoteAddress());
        return bytes;
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
