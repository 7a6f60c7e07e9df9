package org.safelight.format.picsafe;

import java.net.URI;
import java.security.PublicKey;
import java.util.Objects;

/** How a report is protected when it is sealed. */
public sealed interface Protection {

    /** Encrypted with a report key held by a key server (the seed's "dynamic key"). */
    record DynamicKey(String reportKey, String keyserverUrl) implements Protection {
        public DynamicKey {
            if (reportKey == null || reportKey.isEmpty()) {
                throw new IllegalArgumentException("the report key is empty");
            }
            URI uri;
            try {
                uri = URI.create(Objects.requireNonNull(keyserverUrl, "key server URL"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the key server URL is not a URL");
            }
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("the key server URL must be an http:// or https:// URL");
            }
        }

        @Override
        public String toString() {
            return "DynamicKey[keyserverUrl=" + keyserverUrl + "]";
        }
    }

    /** Encrypted with a fresh random key, wrapped for an institution's RSA public key. */
    record StaticKey(PublicKey institutionKey) implements Protection {
        public StaticKey {
            Objects.requireNonNull(institutionKey, "public key");
        }
    }

    /** Not encrypted: the package.zip itself, for HTTPS posts and cloud folders. */
    record Plain() implements Protection {
    }
}
