package org.safelight.web;

import java.util.List;
import java.util.Map;

/**
 * The web role's settings. Immutable.
 *
 * @param keyServers        key servers on other origins that My Safelight pages may ask for report keys
 *                          (allowed by their Content-Security-Policy); this server's own origin always is
 * @param endpoint          the endpoint whose received reports the Institution page shows ({@code ""}:
 *                          the endpoint role of this process, if it runs one)
 * @param composeKeyServer  the key server that reports sealed in the page get their keys from
 *                          ({@code ""}: this server, when it runs the keys role; else none)
 */
public record WebSettings(List<String> keyServers, String endpoint, String composeKeyServer) {
    public static final WebSettings DEFAULTS = new WebSettings(List.of(), "", "");

    public WebSettings {
        keyServers = List.copyOf(keyServers);
        endpoint = endpoint == null ? "" : endpoint.strip();
        composeKeyServer = composeKeyServer == null ? "" : composeKeyServer.strip();
    }

    /** Without an endpoint on another origin. */
    public WebSettings(List<String> keyServers) {
        this(keyServers, "", "");
    }

    /** With the default key server for sealing. */
    public WebSettings(List<String> keyServers, String endpoint) {
        this(keyServers, endpoint, "");
    }

    public WebSettings withEndpoint(String url) {
        return new WebSettings(keyServers, url, composeKeyServer);
    }

    public WebSettings withComposeKeyServer(String url) {
        return new WebSettings(keyServers, endpoint, url);
    }

    /** For the startup log. */
    public Map<String, String> describe() {
        Map<String, String> d = new java.util.LinkedHashMap<>();
        d.put("web-key-servers", String.join(",", keyServers));
        d.put("web-endpoint", endpoint);
        d.put("web-compose-key-server", composeKeyServer);
        return d;
    }
}
