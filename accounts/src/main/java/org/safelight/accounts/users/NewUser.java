package org.safelight.accounts.users;

/** What sign-up stores, already validated and with the password already hashed. */
public record NewUser(String email, String passwordHash, String firstName, String lastName, String title,
                      String country) {

    @Override
    public String toString() {
        return "NewUser[" + email + "]";
    }
}
