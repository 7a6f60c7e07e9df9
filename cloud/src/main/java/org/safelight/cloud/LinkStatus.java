package org.safelight.cloud;

import java.time.Instant;

/** What a cloud link leads to now. */
public sealed interface LinkStatus {
    /**
     * The report is there until {@code expiresAt}.
     *
     * @param keyServerUrl the origin of the key server its package.json names (where to ask whether
     *                     it was revoked), or empty
     */
    record Active(Instant expiresAt, String reportId, long size, String keyServerUrl) implements LinkStatus {
    }

    /** It was there; its 7 days are over and its bytes are (or are about to be) deleted. */
    record Expired() implements LinkStatus {
    }

    /** No report was ever stored under this link. */
    record Unknown() implements LinkStatus {
    }
}
