package org.safelight.server.role;

/**
 * Where a role's Flyway migrations live and which history table records them, so roles can share
 * one database or each have their own. Immutable.
 *
 * @param location     a class-path folder, {@code db/migration/<id>} by convention
 * @param historyTable {@code flyway_history_<id>} by convention
 */
public record Migrations(String location, String historyTable) {

    /** The convention: {@code classpath:db/migration/<id>} into {@code flyway_history_<id>}. */
    public static Migrations of(RoleName role) {
        return new Migrations("db/migration/" + role.id(), "flyway_history_" + role.id());
    }
}
