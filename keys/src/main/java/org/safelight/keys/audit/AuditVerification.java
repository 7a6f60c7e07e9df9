package org.safelight.keys.audit;

/** The result of walking the audit chain: intact, or the first problem found and where. */
public sealed interface AuditVerification {

    boolean intact();

    /** One line for an operator. */
    String describe();

    /**
     * Every event's hash matches its contents and its predecessor, numbers run from 1 without gaps,
     * and the head names the last event. {@code lastHash} commits to the whole log: write it down
     * (or send it elsewhere) to be able to notice a rewrite of the whole chain later.
     */
    record Intact(long events, String lastHash) implements AuditVerification {
        @Override
        public boolean intact() {
            return true;
        }

        @Override
        public String describe() {
            return "OK: " + events + " events, chain hash " + lastHash;
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
