package org.safelight.accounts.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Email addresses as accounts keeps them: trimmed and lower-cased, so that one mailbox is one
 * account. The check is deliberately plain (one {@code @}, a dotted domain, no spaces, quotes,
 * angle brackets or line breaks): the real proof of an address is the verification link.
 */
public final class Emails {
    private static final Pattern ADDRESS = Pattern.compile(
            "[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+");
    private static final Pattern DOMAIN = Pattern.compile(
            "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+");

    private Emails() {
    }

    /** The normalized address, or empty when {@code raw} is not one we accept. */
    public static Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String email = raw.trim().toLowerCase(Locale.ROOT);
        if (email.length() > 254 || !ADDRESS.matcher(email).matches() || email.indexOf('@') > 64) {
            return Optional.empty();
        }
        return Optional.of(email);
    }

    /** The normalized domain name (e.g. {@code myhospital.org}), or empty. */
    public static Optional<String> normalizeDomain(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String domain = raw.trim().toLowerCase(Locale.ROOT);
        if (domain.length() > 253 || !DOMAIN.matcher(domain).matches()) {
            return Optional.empty();
        }
        return Optional.of(domain);
    }

    /** The part after the {@code @} of a normalized address. */
    public static String domainOf(String email) {
        return email.substring(email.lastIndexOf('@') + 1);
    }
}
