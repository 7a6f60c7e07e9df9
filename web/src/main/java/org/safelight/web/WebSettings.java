package org.safelight.web;

import java.util.List;
import java.util.Map;

/**
 * The web role's settings. Immutable.
 *
 * @param keyServers key servers on other origins that My Safelight pages may ask for report keys
 *                   (allowed by their Content-Security-Policy); this server's own origin always is
 * @param endpoint   the endpoint whose received reports the Institution page shows ({@code
 *                   --web-endpoint}); "" for this server's own when it runs the endpoint role, else none
 */
public record WebSettings(List<String> keyServers, String endpoint) {
    public static final WebSettings DEFAULTS = new WebSettings(List.of());

    public WebSettings {
        keyServers = List.copyOf(keyServers);
        endpoint = endpoint == null ? "" : endpoint;
    }

    public WebSettings(List<String> keyServers) {
        this(keyServers, "");
    }

    public WebSettings withEndpoint(String url) {
        return new WebSettings(keyServers, url);
    }

    /** For the startup log. */
    public Map<String, String> describe() {
        return Map.of("web-key-servers", String.join(",", keyServers), "web-endpoint", endpoint);
    }
}
