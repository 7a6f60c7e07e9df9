package org.safelight.keys.audit;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point of the chain written down elsewhere, {@code SEQ:HASH}: event {@code seq}'s hash as an
 * earlier {@code audit verify} printed it. A later verify with this anchor fails when that event's
 * hash is no longer the same, which it would be after any rewrite of the history up to it, even by
 * someone holding the master key. Immutable.
 */
public record AuditAnchor(long seq, String hash) {
    private static final Pattern FORM = Pattern.compile("(\\d{1,18}):([0-9a-fA-F]{64})");

    public AuditAnchor {
        if (seq < 0 || hash == null || hash.length() != 64) {
            throw new IllegalArgumentException("an anchor is SEQ:HASH (a number, a colon and 64 hex digits)");
        }
        hash = hash.toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException unless {@code text} is {@code SEQ:HASH} */
    public static AuditAnchor parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("an anchor is SEQ:HASH (a number, a colon and 64 hex digits)");
        }
        return new AuditAnchor(Long.parseLong(m.group(1)), m.group(2));
    }

    @Override
    public String toString() {
        return seq + ":" + hash;
    }
}
