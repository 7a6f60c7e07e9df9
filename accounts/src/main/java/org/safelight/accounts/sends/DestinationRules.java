package org.safelight.accounts.sends;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.safelight.accounts.internal.Emails;
import org.safelight.accounts.mail.ReportMail;
import org.safelight.format.FormatException;
import org.safelight.format.picsafe.StaticKeys;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;

/**
 * What an admin may list as a destination: a name on one line; an endpoint's https URL (http only
 * where the operator allows it, for testing) without user information, query or fragment, since
 * {@code /api/report} is appended to it; an optional RSA public key (PEM or base64 SPKI, at least
 * 2048 bits); a mailbox's single address. An endpoint must be on the internet, not on the server's
 * own network (unless the operator allows private addresses): see {@link PublicAddresses}. Refusals are {@code bad_request} naming the field.
 */
final class DestinationRules {
    static final int MAX_NAME = 100;
    static final int MAX_URL = 2048;
    static final int MAX_KEY = 16 * 1024;

    private DestinationRules() {
    }

    static String name(String given) {
        String name = given == null ? "" : given.strip();
        if (name.isEmpty() || name.length() > MAX_NAME || name.codePoints().anyMatch(Character::isISOControl)) {
            throw bad("'name' is required: one line of at most " + MAX_NAME + " characters");
        }
        return name;
    }

    static String endpointUrl(String given, boolean allowHttp, boolean allowPrivate) {
        String url = given == null ? "" : given.strip().replaceAll("/+$", "");
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean http = scheme.equals("http");
            if (url.length() <= MAX_URL && (scheme.equals("https") || http) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                if (http && !allowHttp) {
                    throw bad("'url' must be an https:// address: reports would cross the network to a plain http"
                            + " endpoint unprotected (the operator can allow http for testing)");
                }
                if (!allowPrivate && !publicHost(uri.getHost())) {
                    throw bad("'url' must be the endpoint's address on the internet: this server does not send to"
                            + " local, private or link-local addresses");
                }
                return url;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw bad("'url' must be the endpoint's https:// address (without user name, query or fragment),"
                + " up to " + MAX_URL + " characters");
    }

    /**
     * Whether the host may be on the internet: not a local name, not an IP address that is not
     * public, not a name that resolves now to one. A name that does not resolve yet is let through:
     * every send checks it again.
     */
    private static boolean publicHost(String host) {
        String h = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return false;
        }
        try {
            java.net.InetAddress[] all = java.net.InetAddress.getAllByName(h);
            return java.util.Arrays.stream(all).allMatch(PublicAddresses::isPublic);
        } catch (java.net.UnknownHostException e) {
            return !PublicAddresses.isLiteral(h);
        }
    }

    /** The key as given (stripped), or null when none was given. */
    static String staticKey(String given) {
        if (given == null || given.isBlank()) {
            return null;
        }
        String key = given.strip();
        if (key.length() > MAX_KEY) {
            throw bad("'static_key' is too long for a public key");
        }
        try {
            StaticKeys.parsePublicKey(key);
            return key;
        } catch (FormatException e) {
            throw bad("'static_key': " + e.getMessage());
        }
    }

    static String mailbox(String given) {
        return Emails.normalize(given == null ? "" : given.strip()).filter(ReportMail::deliverable)
                .orElseThrow(() -> bad("'address' must be one email address (name@host)"));
    }

    private static Refusal bad(String message) {
        return new Refusal(ErrorCode.BAD_REQUEST, message);
    }
}
