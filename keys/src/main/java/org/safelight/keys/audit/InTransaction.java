package org.safelight.keys.audit;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work that must commit together with an audit event, run inside the log's transaction just before
 * the event is numbered, while the log's head is locked (so it runs in the same order as the
 * events, across threads and processes). It returns the entry to record, which may differ from the
 * one proposed: a key fetch that finds its report revoked records that refusal, never a grant.
 * It may also change state that must not be seen without its event (a revocation). The connection
 * is the audit database's; the work must not commit, roll back or close it.
 */
@FunctionalInterface
public interface InTransaction {

    /** Records the entry as proposed. */
    InTransaction AS_PROPOSED = (transaction, proposed) -> proposed;

    /**
     * @return the entry to record; {@code null} to record nothing, when the work found that what the
     *     entry would say is on the record already (a second revocation of a report), and changed nothing
     * @throws SQLException to fail the append (nothing is recorded, the caller answers 503)
     */
    AuditEntry settle(Connection transaction, AuditEntry proposed) throws SQLException;
}
