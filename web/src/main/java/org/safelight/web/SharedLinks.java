package org.safelight.web;

import java.time.Instant;

/**
 * What the share-link landing page asks about a cloud link {@code /app/report/{region}/{name}}:
 * whether the report behind it can still be downloaded. The cloud role answers it in-process; a
 * process without the cloud role knows no links ({@link #NONE}). Implementations are thread-safe
 * and never throw for a malformed region or name (that is {@link Status.Unknown}).
 */
@FunctionalInterface
public interface SharedLinks {

    /** No cloud role here: every link is unknown. */
    SharedLinks NONE = (region, name) -> new Status.Unknown();

    Status status(String region, String name);

    /** The state of one link. */
    sealed interface Status {
        /** The report can be downloaded until {@code expiresAt}. */
        record Active(Instant expiresAt) implements Status {
        }

        /** The link existed, and its report is gone (7 days after upload). */
        record Expired() implements Status {
        }

        /** No such link. */
        record Unknown() implements Status {
        }
    }
}
