package org.safelight.accounts.users;

import java.util.Locale;
import java.util.Set;
import org.safelight.accounts.internal.Emails;
import org.safelight.server.http.ApiException;

/** Checks and normalizes the profile fields users send; a bad one is a 400 naming the field. */
public final class ProfileFields {
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final int MAX_NAME = 100;
    private static final int MAX_TITLE = 60;

    private ProfileFields() {
    }

    public static String email(String raw) {
        return Emails.normalize(raw).orElseThrow(() ->
                ApiException.badRequest("'email' is not an email address we can use"));
    }

    /** A first or last name: required, trimmed, at most 100 characters, no control characters. */
    public static String name(String field, String raw) {
        String name = raw == null ? "" : raw.strip();
        if (name.isEmpty()) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        return plain(field, name, MAX_NAME);
    }

    /** A title such as "Dr" or "RN": optional, at most 60 characters. */
    public static String title(String raw) {
        return plain("title", raw == null ? "" : raw.strip(), MAX_TITLE);
    }

    /** An ISO 3166-1 alpha-2 code, upper-cased; empty stays empty (the country is optional). */
    public static String country(String raw) {
        String code = raw == null ? "" : raw.strip().toUpperCase(Locale.ROOT);
        if (!code.isEmpty() && !COUNTRIES.contains(code)) {
            throw ApiException.badRequest("'country' must be an ISO 3166 two-letter country code, such as AU, GB or US");
        }
        return code;
    }

    private static String plain(String field, String value, int max) {
        if (value.codePointCount(0, value.length()) > max) {
            throw ApiException.badRequest("'" + field + "' is longer than " + max + " characters");
        }
        if (value.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("'" + field + "' contains control characters");
        }
        return value;
    }
}
