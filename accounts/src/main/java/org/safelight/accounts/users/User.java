package org.safelight.accounts.users;

import java.time.Instant;

/**
 * An account. {@code number} is the user number that prefixes the user's report IDs (at most 9
 * digits, handed out in order); {@code email} is lower-case; {@code passwordHash} is a PHC string
 * from {@link PasswordHasher}. Immutable.
 */
public record User(String id, long number, String email, String passwordHash, String firstName, String lastName,
                   String title, String country, boolean emailVerified, Instant createdAt) {

    /** The display name, as it goes into the {@code name} claim. */
    public String name() {
        return (firstName + " " + lastName).trim();
    }

    /** Keeps the password hash out of logs and assertion messages. */
    @Override
    public String toString() {
        return "User[id=" + id + ", number=" + number + ", emailVerified=" + emailVerified + "]";
    }
}
