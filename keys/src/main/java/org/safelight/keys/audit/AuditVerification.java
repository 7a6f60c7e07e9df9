package org.safelight.keys.audit;

/** The result of walking the audit chain: intact, or the first problem found and where. */
public sealed interface AuditVerification {

    boolean intact();

    /** One line for an operator. */
    String describe();

    /**
     * Every event's link matches its contents and its predecessor (under the chain key after
     * {@code keyedFrom}), numbers run from 1 to the head without gaps, the table holds no other row,
     * and the head names the last event. {@link #anchor()} commits to the whole log: keep it
     * elsewhere and give it to a later verify ({@code --expect}) to notice a rewrite.
     *
     * @param keyedFrom the last event linked by plain SHA-256 (written before the chain was keyed)
     */
    record Intact(long events, String lastHash, long keyedFrom) implements AuditVerification {
        @Override
        public boolean intact() {
            return true;
        }

        /** {@code SEQ:HASH} of the head. */
        public AuditAnchor anchor() {
            return new AuditAnchor(events, lastHash);
        }

        @Override
        public String describe() {
            return "OK: " + events + " events, head " + anchor()
                    + (keyedFrom > 0 ? " (events 1 to " + keyedFrom + " predate the keyed chain: SHA-256 only)" : "");
        }
    }

    /** The first problem, e.g. {@code event 17: its hash does not match its contents (edited?)}. */
    record Broken(String problem) implements AuditVerification {
        @Override
        public boolean intact() {
            return false;
        }

        @Override
        public String describe() {
            return "BROKEN: " + problem;
        }
    }
}
