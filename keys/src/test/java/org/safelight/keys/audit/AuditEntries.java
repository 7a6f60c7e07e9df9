package org.safelight.keys.audit;

/** Audit entries for the writer's tests: a granted key fetch of its own user and report. */
final class AuditEntries {
    private AuditEntries() {
    }

    static AuditEntry granted(int i) {
        return new AuditEntry("u" + i, "user" + i + "@example.org", "report-" + i, AuditAction.KEY_FETCHED,
                Outcome.GRANTED, "192.0.2." + i);
    }
}
