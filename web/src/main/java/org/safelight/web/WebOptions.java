package org.safelight.web;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.safelight.format.picsafe.PackageJson;
import picocli.CommandLine.Option;

/**
 * The web role's configuration group: {@code serve} adds these options with {@code @Mixin}; each
 * also comes from {@code SAFELIGHT_<FLAG>} or the {@code --config} file.
 */
public final class WebOptions {
    @Option(names = "--web-key-servers", paramLabel = "URL,...", defaultValue = "",
            description = {"Key servers on other origins that My Safelight pages may ask for report keys",
                "(allowed by their Content-Security-Policy); this server's own origin always is."})
    String webKeyServers;

    @Option(names = "--web-endpoint", paramLabel = "URL", defaultValue = "",
            description = {"The endpoint whose received reports My Safelight's Institution page shows (default: the",
                "endpoint of this server, when it runs one); on another origin it must list this site in its",
                "--endpoint-trusted-origins."})
    String webEndpoint;

    @Option(names = "--web-compose-key-server", paramLabel = "URL", defaultValue = "",
            description = {"The key server that reports sealed in My Safelight's New report page get their keys from",
                "(default: this server, when it runs the keys role; else none, and the page seals only for",
                "institutions or plain); on another origin it must list this site in its --trusted-origins."})
    String webComposeKeyServer;

    /**
     * The settings these options give.
     *
     * @throws IllegalArgumentException naming the flag of a bad value
     */
    public WebSettings settings() {
        return new WebSettings(keyServers(webKeyServers), endpoint(webEndpoint),
                origin(webComposeKeyServer, "--web-compose-key-server"));
    }

    /** The page sends the endpoint a token scoped to it: the same rule as for key servers. */
    static String endpoint(String url) {
        return origin(url, "--web-endpoint");
    }

    /** One URL that pages send scoped tokens to, checked as the key servers are; "" stays "". */
    static String origin(String url, String flag) {
        if (url == null || url.isBlank()) {
            return "";
        }
        try {
            return keyServers(url.strip()).get(0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("--web-key-servers", flag));
        }
    }

    static List<String> keyServers(String text) {
        List<String> urls = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String url : urls) {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--web-key-servers: '" + url + "' is not a URL");
            }
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("--web-key-servers: '" + url + "' is not an http:// or https:// URL");
            }
            // Pages send key-server tokens there: the CLI's rule, https or this computer only.
            URI origin;
            try {
                origin = PackageJson.originOf(url);
            } catch (org.safelight.format.report.MalformedReportException e) {
                throw new IllegalArgumentException("--web-key-servers: '" + url + "' is not an http:// or https:// URL");
            }
            if (!"https".equals(origin.getScheme()) && !loopback(origin.getHost())) {
                throw new IllegalArgumentException("--web-key-servers: " + origin + " is plain http on another host;"
                        + " My Safelight sends sign-ins only over https, or to this computer: use its https:// address");
            }
        }
        return urls;
    }

    private static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.matches("127(\\.\\d{1,3}){3}");
    }
}
