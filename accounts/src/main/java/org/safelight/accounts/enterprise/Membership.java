package org.safelight.accounts.enterprise;

/** A user's enterprise as it goes into their token and profile; {@code admin} if they administer it. */
public record Membership(String enterpriseId, String name, boolean pro, boolean admin) {
}
