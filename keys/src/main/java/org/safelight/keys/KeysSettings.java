package org.safelight.keys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key server's settings. Immutable.
 *
 * @param trustedOrigins       web origins allowed to call it from a browser (CORS)
 * @param keyRequestsPerMinute key requests one user may make per minute, in bursts of as many
 */
public record KeysSettings(List<String> trustedOrigins, int keyRequestsPerMinute) {
    public static final KeysSettings DEFAULTS = new KeysSettings(List.of(), 60);

    public KeysSettings {
        trustedOrigins = List.copyOf(trustedOrigins);
        if (keyRequestsPerMinute < 1) {
            throw new IllegalArgumentException("--key-requests-per-minute must be at least 1");
        }
    }

    /** For the startup log. */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("trusted-origins", String.join(",", trustedOrigins));
        d.put("key-requests-per-minute", Integer.toString(keyRequestsPerMinute));
        return d;
    }
}
