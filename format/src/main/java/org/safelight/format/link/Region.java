package org.safelight.format.link;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where a cloud report is kept. Australia, Canada, Germany, Ireland, the UK and the USA have a store
 * of their own; New Zealand uses Australia's, the other EU countries Germany's, everyone else the
 * USA's. The path segment in links is the upper-case code ({@code /app/report/AU/...}).
 */
public enum Region {
    AU, CA, DE, IE, UK, US;

    /** EU member states (ISO 3166-1 alpha-2; Greece also as EL) other than those with a region of their own. */
    private static final Set<String> OTHER_EU = Set.of("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
            "GR", "EL", "HU", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE");

    /** The region for a user's country code (any case; GB counts as UK; blank or unknown → US). */
    public static Region forCountry(String country) {
        String c = country == null ? "" : country.strip().toUpperCase(Locale.ROOT);
        return switch (c) {
            case "AU", "NZ" -> AU;
            case "CA" -> CA;
            case "DE" -> DE;
            case "IE" -> IE;
            case "UK", "GB" -> UK;
            default -> OTHER_EU.contains(c) ? DE : US;
        };
    }

    /** The region named by a link's path segment, exactly as written in links; empty otherwise. */
    public static Optional<Region> fromPath(String segment) {
        for (Region r : values()) {
            if (r.name().equals(segment)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
