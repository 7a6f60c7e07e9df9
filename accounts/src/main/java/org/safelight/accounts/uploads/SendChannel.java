package org.safelight.accounts.uploads;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.safelight.accounts.internal.Emails;

/**
 * How a report went to someone, as a client records it on its sender's list, with what a recipient
 * of that channel may look like. Recipients are personal data: they are checked here strictly, and
 * nothing about one (not even why it was refused) is ever put in a message or a log.
 */
public enum SendChannel {
    /** Only the cloud link; there is no recipient. */
    CLOUD,
    /** A text message; the recipient is a number in international form. */
    SMS,
    /** A WhatsApp message; the recipient is a number in international form. */
    WHATSAPP,
    /** An email; the recipient is an address. */
    EMAIL,
    /** An HTTPS endpoint that takes the sealed file; the recipient is its URL. */
    ENDPOINT,
    /** A FHIR server; the recipient is its base URL. */
    FHIR,
    /** The user's own Box (PRO); there is no recipient. */
    BOX,
    /** The user's own Dropbox (PRO); there is no recipient. */
    DROPBOX;

    /** The longest recipient kept (a URL); a longer one is refused, never cut. */
    public static final int MAX_RECIPIENT = 2048;
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{7,14}");

    /** The channel's name on the wire: {@code cloud}, {@code sms}, ... */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The channel named {@code code} exactly as on the wire, or empty. */
    public static Optional<SendChannel> of(String code) {
        for (SendChannel c : values()) {
            if (c.code().equals(code)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * The recipient as kept (an email address lower-cased), or empty when {@code given} is not one
     * this channel can have. A cloud send has none.
     */
    public Optional<String> recipient(String given) {
        if (given == null || given.isEmpty() || given.length() > MAX_RECIPIENT || !printable(given)) {
            return Optional.empty();
        }
        return switch (this) {
            case CLOUD, BOX, DROPBOX -> Optional.empty();
            case SMS, WHATSAPP -> PHONE.matcher(given).matches() ? Optional.of(given) : Optional.empty();
            case EMAIL -> Emails.normalize(given);
            case ENDPOINT, FHIR -> url(given);
        };
    }

    /** An absolute http(s) URL with a host and no user information (a password in it is refused). */
    private static Optional<String> url(String given) {
        try {
            URI uri = new URI(given);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawFragment() == null) {
                return Optional.of(given);
            }
        } catch (URISyntaxException e) {
            // not a URL
        }
        return Optional.empty();
    }

    private static boolean printable(String s) {
        return s.codePoints().allMatch(c -> c > 0x20 && c != 0x7f && !Character.isISOControl(c)
                && !Character.isWhitespace(c));
    }
}
