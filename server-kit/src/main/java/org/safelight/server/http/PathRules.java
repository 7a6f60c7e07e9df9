package org.safelight.server.http;

import io.javalin.http.Context;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.safelight.server.role.ErrorRenderer;
import org.safelight.server.role.PathRule;

/**
 * The path rules of the roles a server runs, and the rule of the request at hand. Immutable.
 */
public final class PathRules {
    /** For paths no role has a rule for. */
    public static final PathRule DEFAULT = new PathRule("/", PathRule.DEFAULT_MAX_BYTES, ErrorRenderer.COMMON);
    static final String ATTRIBUTE = PathRules.class.getName();

    private final List<PathRule> rules;

    private PathRules(List<PathRule> rules) {
        List<PathRule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt((PathRule r) -> r.prefix().length()).reversed());
        this.rules = List.copyOf(sorted);
    }

    /** Every rule of {@code roles}; two roles may not claim the same prefix. */
    public static PathRules of(List<Role> roles) {
        List<PathRule> all = new ArrayList<>();
        for (Role role : roles) {
            for (PathRule rule : role.pathRules()) {
                if (all.stream().anyMatch(r -> r.prefix().equals(rule.prefix()))) {
                    throw new IllegalStateException("two rules for the path prefix " + rule.prefix());
                }
                all.add(rule);
            }
        }
        return new PathRules(all);
    }

    /** The rule with the longest prefix covering {@code path}, else {@link #DEFAULT}. */
    public PathRule ruleFor(String path) {
        for (PathRule rule : rules) {
            if (rule.covers(path)) {
                return rule;
            }
        }
        return DEFAULT;
    }

    /** The rule of this request, as {@link ServerApp} found it before the route ran. */
    public static PathRule rule(Context ctx) {
        PathRule rule = ctx.attribute(ATTRIBUTE);
        return rule != null ? rule : DEFAULT;
    }

    /**
     * The request body, refused with 413 {@code too_large} (an {@link ApiException} thrown from
     * {@code read}) once more than the path's limit has arrived: for a route that streams its body,
     * including bodies sent without a {@code Content-Length}.
     */
    public static InputStream body(Context ctx) throws IOException {
        return limited(ctx.req().getInputStream(), rule(ctx).maxBytes());
    }

    static InputStream limited(InputStream in, long max) {
        return new FilterInputStream(in) {
            private long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b != -1) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(long n) {
                read += n;
                if (read > max) {
                    throw tooLarge(max);
                }
            }
        };
    }

    static ApiException tooLarge(long max) {
        return new ApiException(ErrorCode.TOO_LARGE, "the request body is over the limit of " + max + " bytes here");
    }
}
