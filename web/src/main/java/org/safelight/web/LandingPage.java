package org.safelight.web;

import static org.safelight.server.http.Html.escape;

import org.safelight.server.http.Html;

/**
 * The page a share link opens ({@code /app/report/{region}/{name}}), rendered on the server: open
 * the report here (sign in or sign up first, then it opens), or move the link to a phone (a QR
 * code and a copy button, drawn by {@code share-link.js}, which also shows only the phone's choice
 * on a phone and says at once when the report was revoked). Without script every choice shows.
 * Expired and unknown links get pages of their own. Every value inserted is escaped.
 */
final class LandingPage {
    private LandingPage() {
    }

    static String active(String region, String name, String reportId, java.time.Instant expiresAt, String link) {
        String open = "/app/#/link/" + region + "/" + name;
        return page("A report is waiting for you", """
                <h1>A Safelight report is waiting for you</h1>
                <p>Report <span id="report-id">%s</span> is encrypted. It can be downloaded until
                <span id="expires-at">%s</span>, and it is decrypted only on the device you view it on:
                nothing unencrypted crosses the network, and every opening is recorded by its key server.</p>
                <p id="share-status" class="share-status" role="status"></p>
                <section class="choice phone-only" id="on-phone">
                <p><a class="button open-here" id="open-here" href="%s">Open it here</a></p>
                <p class="hint">Sign in, or create a free account first; then the report opens on this phone.</p>
                </section>
                <section class="choice computer-only" id="on-computer">
                <h2>View on this computer</h2>
                <p>Sign in, or create a free account first; then the report opens in this browser.</p>
                <p><a class="button" id="view-here" href="%s">View on this computer</a></p>
                </section>
                <section class="choice computer-only" id="to-phone">
                <h2>View on a phone</h2>
                <p>Scan this code with the phone's camera, or copy the link and send it to yourself. It opens
                this page on the phone, where you sign in and view the report.</p>
                <div class="qr" id="share-qr" role="img" aria-label="QR code of the link to this page"></div>
                <p class="link" id="share-link">%s</p>
                <p><button type="button" class="secondary" id="copy-link" hidden>Copy the link</button></p>
                <p id="copy-status" role="status"></p>
                </section>
                """.formatted(escape(reportId), escape(Html.when(expiresAt)), escape(open), escape(open), escape(link)),
                " id=\"share\" data-link=\"" + escape(link) + "\" data-region=\"" + escape(region) + "\" data-name=\""
                        + escape(name) + "\" data-report=\"" + escape(reportId) + "\"",
                "<script type=\"module\" src=\"/app/static/share-link.js\"></script>\n");
    }

    static String expired() {
        return page("This report has expired", """
                <h1>This report has expired</h1>
                <p id="expired">Reports are kept for 7 days after they are sent, then deleted. Ask the sender
                to send it again.</p>
                <p><a href="/app/">My Safelight</a></p>
                """);
    }

    static String unknown() {
        return page("No report at this address", """
                <h1>No report at this address</h1>
                <p id="unknown">Check that the whole link was copied. Links from a text message are case
                sensitive.</p>
                <p><a href="/app/">My Safelight</a></p>
                """);
    }

    private static String page(String title, String body) {
        return page(title, body, "", "");
    }

    /** mainAttributes: extra attributes of main (escaped by the caller); head: extra head elements. */
    private static String page(String title, String body, String mainAttributes, String head) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + escape(title) + " · Safelight</title>\n"
                + "<link rel=\"icon\" href=\"/app/static/favicon.svg\" type=\"image/svg+xml\">\n"
                + "<link rel=\"stylesheet\" href=\"/app/static/app.css\">\n"
                + "<link rel=\"stylesheet\" href=\"/app/static/report.css\">\n" + head + "</head>\n<body>\n"
                + "<header class=\"top\"><a class=\"brand\" href=\"/app/\">My Safelight</a></header>\n"
                + "<main class=\"landing\"" + mainAttributes + ">\n" + body + "</main>\n</body>\n</html>\n";
    }
}
