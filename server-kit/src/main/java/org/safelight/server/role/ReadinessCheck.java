package org.safelight.server.role;

/**
 * One thing a server needs before it can take traffic (the database answers, the audit log can be
 * written, the blob store can be written), asked by {@code GET /health/ready}. A role registers its
 * own with {@link RoleContext#readiness}. A check must be quick (well under a second), must not
 * change what users see, and must say what is wrong without patient data, keys or tokens.
 */
@FunctionalInterface
public interface ReadinessCheck {
    /**
     * Returns normally when ready.
     *
     * @throws Exception whose message tells an operator what is not ready
     */
    void check() throws Exception;
}
