package org.safelight.client;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.safelight.format.link.ReportLink;

/**
 * A cloud share link as {@code send} prints it and recipients receive it:
 * {@code {public-url}/app/report/{region}/{random}-{ReportID}}. Knows the server it belongs to
 * (its public URL) and the cloud route its bytes come from. Immutable.
 */
public record ShareLink(URI server, ReportLink report) {
    private static final String APP_PATH = "/app/report/";

    /** True when {@code text} is meant as a link rather than a file name. */
    public static boolean looksLikeLink(String text) {
        String lower = text.strip().toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://");
    }

    /** The link in {@code text}, or empty when it is not a Safelight share link. */
    public static Optional<ShareLink> parse(String text) {
        URI uri;
        try {
            uri = URI.create(text.strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String path = uri.getRawPath();
        if (uri.getHost() == null || path == null || uri.getRawQuery() != null) {
            return Optional.empty();
        }
        int at = path.lastIndexOf(APP_PATH);
        if (at < 0) {
            return Optional.empty();
        }
        String[] parts = path.substring(at + APP_PATH.length()).split("/", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        URI server = URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority()
                + path.substring(0, at));
        return ReportLink.parse(parts[0], parts[1]).map(report -> new ShareLink(server, report));
    }

    /**
     * Where the sealed report is downloaded from on {@code signedInServer}: that server's URL with
     * the link's report path, never the link's own host, so a token sent with the download goes to
     * exactly the server that issued it (a link naming another loopback address still
     * {@link #belongsTo} the local server, but is fetched from the address signed in to).
     */
    public URI downloadUrl(String signedInServer) {
        return URI.create(signedInServer.replaceAll("/+$", "") + "/api/v1/cloud/reports/" + report.path());
    }

    /**
     * Whether this link belongs to the server at {@code serverUrl}: same scheme, host, port and path.
     * The names of this computer (localhost, 127.0.0.1, [::1]) are one host, as a server on this
     * computer is reached by any of them.
     */
    public boolean belongsTo(String serverUrl) {
        return normal(server).equals(normal(URI.create(serverUrl)));
    }

    private static String normal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.equals("[::1]") || host.equals("::1")
                || host.matches("127\\.[0-9]+\\.[0-9]+\\.[0-9]+")) {
            host = "loopback";
        }
        return scheme + "://" + host + ":" + port + path;
    }

    /** The report ID is in the link; the unguessable part stays out of logs and messages. */
    @Override
    public String toString() {
        return server + APP_PATH + report.region().name() + "/…-" + report.reportId();
    }
}
