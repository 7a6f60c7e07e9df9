package org.safelight.server.role;

import java.util.Objects;

/**
 * How the server treats requests under one path prefix of a role: the largest request body it
 * accepts there and how its refusals look. A path takes the rule with the longest matching prefix;
 * paths no rule covers get {@link #DEFAULT_MAX_BYTES} and {@link ErrorRenderer#COMMON}.
 *
 * <p>The limit is enforced twice: a request whose {@code Content-Length} is over it is refused with
 * 413 before any route runs, and a route that streams the body reads it through
 * {@code PathRules.body(ctx)}, which refuses with 413 once more than the limit arrived (for
 * bodies sent without a length). Immutable.
 *
 * @param prefix   a path prefix such as {@code /api/report}; matches the path itself and the paths
 *                 under it ({@code /api/report/x}), not {@code /api/reports}
 * @param maxBytes the largest request body accepted, at least 0
 * @param errors   the shape of every refusal on these paths
 */
public record PathRule(String prefix, long maxBytes, ErrorRenderer errors) {
    /** The limit on paths without a rule: 1 MiB, enough for every JSON request. */
    public static final long DEFAULT_MAX_BYTES = 1L << 20;

    public PathRule {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(errors, "errors");
        if (!prefix.startsWith("/")) {
            throw new IllegalArgumentException("a path prefix starts with '/': " + prefix);
        }
        if (prefix.length() > 1 && prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be at least 0");
        }
    }

    /**
     * Whether {@code path} is {@link #prefix()} or under it. A segment {@code *} of the prefix stands
     * for any one non-empty segment ({@code /api/me/reports/{@literal *}/email}), so a rule can cover
     * one route of a family without its siblings.
     */
    public boolean covers(String path) {
        if (!prefix.contains("*")) {
            return path.equals(prefix) || prefix.equals("/") || path.startsWith(prefix + "/");
        }
        String[] want = prefix.split("/", -1);
        String[] got = path.split("/", -1);
        if (got.length < want.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (want[i].equals("*") ? got[i].isEmpty() : !want[i].equals(got[i])) {
                return false;
            }
        }
        return true;
    }
}
