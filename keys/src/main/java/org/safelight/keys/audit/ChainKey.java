package org.safelight.keys.audit;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that the audit chain's links are computed under (HMAC-SHA256, see {@link ChainHash}).
 * Kept in the database sealed under the master key ({@code PurposeKeys}, label {@value #LABEL}; on a
 * deployment that began with a file master key its value is what earlier versions derived from it
 * by HKDF-Expand), so only whoever can open it with the master key can compute a link: whoever can
 * write the database but not use the master key cannot. Thread-safe; never prints the key.
 */
public final class ChainKey {
    /** The purpose key's label (and the HKDF info it was first derived with): a new label, a new key. */
    public static final String LABEL = "safelight audit chain v1";
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;
    /**
     * Initialised once and never used itself, only cloned: a clone costs far less than a provider
     * lookup and a key schedule per link, and the audit writer computes one link per event.
     */
    private final Mac prototype;

    /** @param bytes 32 bytes; copied, and the caller's array is wiped */
    public ChainKey(byte[] bytes) {
        if (bytes == null || bytes.length != 32) {
            throw new IllegalArgumentException("an audit chain key is 32 bytes");
        }
        this.key = new SecretKeySpec(bytes, HMAC);
        Arrays.fill(bytes, (byte) 0);
        this.prototype = initialised(key);
    }

    /** A fresh MAC under this key (a MAC is not thread-safe; this is: the prototype is only read). */
    Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            // A provider whose MAC cannot be cloned: initialise one per use, as before.
            return initialised(key);
        }
    }

    private static Mac initialised(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "ChainKey[hidden]";
    }
}
