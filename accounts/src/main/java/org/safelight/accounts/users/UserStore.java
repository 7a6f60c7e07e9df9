package org.safelight.accounts.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Users in the accounts database (SQLite or PostgreSQL). User numbers come from a counter row
 * that every sign-up updates inside its transaction, so numbers are handed out in order, without
 * duplicates, and the email check that follows sees every earlier sign-up. Thread-safe.
 */
public final class UserStore {
    /** Report IDs carry the user number in 9 digits. */
    public static final long MAX_NUMBER = 999_999_999L;

    private static final String COLUMNS = "id, number, email, password_hash, first_name, last_name, title, country,"
            + " email_verified, created_at";

    private final Jdbi jdbi;

    public UserStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** What a sign-up did: {@code user} is the new account, or the verified one that has the address. */
    public record SignUp(Outcome outcome, User user) {
        public enum Outcome {
            /** A new account. */
            CREATED,
            /** A new account in place of an unverified one with the same address (deleted with its links and sessions). */
            REPLACED,
            /** The address belongs to a verified account; nothing changed. */
            TAKEN
        }
    }

    /**
     * Stores a new, unverified user with a fresh random id and the next user number.
     *
     * @return the user, or empty when the email address already has an account
     * @throws IllegalStateException when the 9-digit user numbers are used up
     */
    public Optional<User> create(NewUser user, Instant now) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE user_numbers SET last_value = last_value + 1 WHERE name = 'users'").execute();
            if (exists(h, user.email())) {
                h.rollback();
                return Optional.empty();
            }
            return Optional.of(insert(h, user, now));
        });
    }

    /**
     * A sign-up: a new unverified account, unless a verified one has the address. An unverified
     * account with the address is a pending sign-up that nobody has proved is theirs, so the new
     * one replaces it in the same transaction: its password, links and sessions stop working. A
     * verification that commits first makes the address taken instead.
     *
     * @throws IllegalStateException when the 9-digit user numbers are used up
     */
    public SignUp signUp(NewUser user, Instant now) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE user_numbers SET last_value = last_value + 1 WHERE name = 'users'").execute();
            int replaced = h.createUpdate("DELETE FROM users WHERE email = :email AND email_verified = 0")
                    .bind("email", user.email()).execute();
            Optional<User> verified = h.createQuery("SELECT " + COLUMNS + " FROM users WHERE email = :email")
                    .bind("email", user.email()).map((rs, ctx) -> map(rs)).findOne();
            if (verified.isPresent()) {
                h.rollback();
                return new SignUp(SignUp.Outcome.TAKEN, verified.get());
            }
            return new SignUp(replaced > 0 ? SignUp.Outcome.REPLACED : SignUp.Outcome.CREATED, insert(h, user, now));
        });
    }

    private static User insert(Handle h, NewUser user, Instant now) {
        long number = h.createQuery("SELECT last_value FROM user_numbers WHERE name = 'users'")
                .mapTo(Long.class).one();
        if (number > MAX_NUMBER) {
            throw new IllegalStateException("all 9-digit user numbers are taken");
        }
        User created = new User(UUID.randomUUID().toString(), number, user.email(), user.passwordHash(),
                user.firstName(), user.lastName(), user.title(), user.country(), false, now);
        h.createUpdate("INSERT INTO users (" + COLUMNS + ") VALUES (:id, :number, :email, :hash, :first, :last,"
                        + " :title, :country, 0, :created)")
                .bind("id", created.id()).bind("number", number).bind("email", created.email())
                .bind("hash", created.passwordHash()).bind("first", created.firstName())
                .bind("last", created.lastName()).bind("title", created.title())
                .bind("country", created.country()).bind("created", now.toEpochMilli())
                .execute();
        return created;
    }

    public Optional<User> findById(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> map(rs)).findOne());
    }

    /** @param email a normalized (lower-case) address */
    public Optional<User> findByEmail(String email) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE email = :email")
                .bind("email", email).map((rs, ctx) -> map(rs)).findOne());
    }

    /** @return whether the user was unverified before */
    public boolean markEmailVerified(String id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE users SET email_verified = 1, verified_at = :now"
                + " WHERE id = :id AND email_verified = 0").bind("id", id).bind("now", now.toEpochMilli())
                .execute()) == 1;
    }

    /** When the user's address was confirmed; empty while it is not. */
    public Optional<Instant> verifiedAt(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT verified_at FROM users WHERE id = :id AND email_verified = 1")
                .bind("id", id).map((rs, ctx) -> rs.getObject("verified_at") == null ? Instant.EPOCH
                        : Instant.ofEpochMilli(rs.getLong("verified_at"))).findOne());
    }

    public void setPasswordHash(String id, String passwordHash) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id")
                .bind("hash", passwordHash).bind("id", id).execute());
    }

    /** Replaces the editable profile fields; empty when there is no such user. */
    public Optional<User> updateProfile(String id, String firstName, String lastName, String title, String country) {
        int updated = jdbi.withHandle(h -> h.createUpdate("UPDATE users SET first_name = :first, last_name = :last,"
                        + " title = :title, country = :country WHERE id = :id")
                .bind("first", firstName).bind("last", lastName).bind("title", title).bind("country", country)
                .bind("id", id).execute());
        return updated == 0 ? Optional.empty() : findById(id);
    }

    private static boolean exists(Handle h, String email) {
        return h.createQuery("SELECT COUNT(*) FROM users WHERE email = :email").bind("email", email)
                .mapTo(Long.class).one() > 0;
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(rs.getString("id"), rs.getLong("number"), rs.getString("email"),
                rs.getString("password_hash"), rs.getString("first_name"), rs.getString("last_name"),
                rs.getString("title"), rs.getString("country"), rs.getInt("email_verified") != 0,
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }
}
