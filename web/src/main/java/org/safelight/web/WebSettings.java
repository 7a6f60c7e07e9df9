package org.safelight.web;

import java.util.List;
import java.util.Map;

/**
 * The web role's settings. Immutable.
 *
 * @param keyServers key servers on other origins that My Safelight pages may ask for report keys
 *                   (allowed by their Content-Security-Policy); this server's own origin always is
 */
public record WebSettings(List<String> keyServers) {
    public static final WebSettings DEFAULTS = new WebSettings(List.of());

    public WebSettings {
        keyServers = List.copyOf(keyServers);
    }

    /** For the startup log. */
    public Map<String, String> describe() {
        return Map.of("web-key-servers", String.join(",", keyServers));
    }
}
