package org.safelight.keys.audit;

/**
 * An event to append: who (user id and email as their token named them; empty when the request
 * carried no valid token), which report, what, how it ended, and the remote address the request
 * came from. The log adds the sequence number, time and hash. Immutable.
 */
public record AuditEntry(String actorUserId, String actorEmail, String reportId, AuditAction action,
                         Outcome outcome, String remoteAddress) {

    public AuditEntry {
        actorUserId = actorUserId == null ? "" : actorUserId;
        actorEmail = actorEmail == null ? "" : actorEmail;
        remoteAddress = remoteAddress == null ? "" : remoteAddress;
        if (reportId == null || action == null || outcome == null) {
            throw new IllegalArgumentException("an audit entry needs a report id, an action and an outcome");
        }
    }
}
