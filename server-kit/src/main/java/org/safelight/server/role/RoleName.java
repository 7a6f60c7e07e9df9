package org.safelight.server.role;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The server roles Safelight knows, in the order a process builds them: a role may use the services
 * of the roles before it in this order when they run in the same process (keys and cloud use the
 * accounts role's stores, web the cloud's share links, the endpoint the accounts' enterprises).
 * {@link #id()} is the name used in {@code serve --roles}, in {@code db/migration/<id>} and in
 * {@code /health}.
 */
public enum RoleName {
    ACCOUNTS, KEYS, CLOUD, WEB, ENDPOINT;

    /** The lower-case name: {@code accounts}, {@code keys}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role named {@code text} (its {@link #id()}, any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the valid names, when {@code text} names no role
     */
    public static RoleName parse(String text) {
        String wanted = text == null ? "" : text.strip();
        for (RoleName name : values()) {
            if (name.id().equalsIgnoreCase(wanted)) {
                return name;
            }
        }
        throw new IllegalArgumentException("unknown role '" + wanted + "' (known: " + known() + ")");
    }

    /** The valid names, comma-separated, in build order: {@code accounts, keys, cloud, web, endpoint}. */
    public static String known() {
        return Arrays.stream(values()).map(RoleName::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id();
    }
}
