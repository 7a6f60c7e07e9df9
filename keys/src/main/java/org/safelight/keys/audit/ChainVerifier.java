package org.safelight.keys.audit;

import java.util.List;
import java.util.Optional;

/**
 * Walks the chain from the first event to the head, page by page (memory stays flat however long
 * the log), and reports the first thing that is not as appending left it. Runs beside appenders:
 * it checks the events up to the head it read first, then looks for rows outside the chain.
 */
final class ChainVerifier {
    private static final int PAGE = 1000;

    private final AuditStore store;

    ChainVerifier(AuditStore store) {
        this.store = store;
    }

    /** @param expect an anchor kept elsewhere that the chain must still pass through, or null */
    AuditVerification verify(AuditAnchor expect) {
        Optional<AuditStore.Head> start = store.head();
        if (start.isEmpty()) {
            return broken("the head row is missing (deleted?)");
        }
        long headSeq = start.get().lastSeq();
        long keyedFrom = start.get().keyedFrom();
        if (keyedFrom < 0 || keyedFrom > headSeq) {
            return broken("the head says keying began after event " + keyedFrom + " of " + headSeq + " (edited?)");
        }
        String boundaryMac = start.get().keyedFromMac();
        if (boundaryMac == null && headSeq > 0) {
            return broken("the head's keyed_from is not authenticated by the chain key (removed?)");
        }
        if (boundaryMac != null && !ChainHash.authenticates(store.key(), keyedFrom, boundaryMac)) {
            return broken("the head says keying began after event " + keyedFrom
                    + ", which the server did not record under this key (edited, or another master key?)");
        }
        String previous = ChainHash.GENESIS;
        String anchored = expect != null && expect.seq() == 0 ? ChainHash.GENESIS : null;
        long last = 0;
        long after = Long.MIN_VALUE;
        while (true) {
            List<AuditEvent> page = store.page(after, headSeq, PAGE);
            for (AuditEvent event : page) {
                long expected = last + 1;
                if (event.seq() < expected) {
                    return broken("event " + event.seq() + " is out of place before event " + expected + " (inserted?)");
                }
                if (event.seq() > expected) {
                    return broken(last == 0
                            ? "the log starts at event " + event.seq() + ": " + missing(1, event.seq() - 1) + " (deleted?)"
                            : "events " + last + " → " + event.seq() + ": " + missing(expected, event.seq() - 1)
                                    + " (deleted?)");
                }
                if (!ChainHash.link(store.key(), previous, event, keyedFrom).equals(event.hash())) {
                    return broken("event " + event.seq() + ": its hash does not match its contents (edited?)");
                }
                previous = event.hash();
                last = event.seq();
                if (expect != null && last == expect.seq()) {
                    anchored = previous;
                }
            }
            if (page.size() < PAGE) {
                break;
            }
            after = last;
        }
        if (last != headSeq) {
            return broken("the head names " + headSeq + " events but the log ends at " + last);
        }
        if (!previous.equals(start.get().lastHash())) {
            return broken("the head's hash is not the hash of event " + last + " (edited?)");
        }
        // Read the table's end before the head again: anything committed is at or below the head then.
        long highest = store.maxSeq();
        long rows = store.rows();
        long headNow = store.head().map(AuditStore.Head::lastSeq).orElse(-1L);
        if (highest > headNow) {
            return broken("event " + highest + " lies beyond the head, which names " + headNow + " events (inserted?)");
        }
        if (rows > headNow) {
            return broken("the table holds " + rows + " rows but the chain only " + headNow
                    + " events (rows outside the chain: inserted?)");
        }
        if (expect != null) {
            if (anchored == null) {
                return broken("the anchor names event " + expect.seq() + " but the log ends at " + last
                        + " (truncated or rewritten?)");
            }
            if (!anchored.equals(expect.hash())) {
                return broken("event " + expect.seq() + " is not the anchor " + expect
                        + " any more: the history up to it was rewritten");
            }
        }
        return new AuditVerification.Intact(last, previous, keyedFrom);
    }

    private static String missing(long from, long to) {
        return from == to ? from + " is missing" : from + " to " + to + " are missing";
    }

    private static AuditVerification broken(String problem) {
        return new AuditVerification.Broken(problem);
    }
}
