package org.safelight.client.filing;

import java.nio.file.Path;

/**
 * What the filing pipeline tells its user, one call per report, instead of printing: the CLI prints
 * these lines, the endpoint records them. Called on the pipeline's thread; every method has a no-op
 * default so a listener implements only what it shows.
 */
public interface FilingListener {
    /** Does nothing: for a caller that only needs the returned counts. */
    FilingListener SILENT = new FilingListener() {
    };

    /**
     * A report was opened and its folder moved into place.
     *
     * @param sender the sender's email address as the server listed it, or null when not told
     */
    default void written(String reportId, String sender, Path folder) {
    }

    /** A report's folder was already there, so nothing was written. */
    default void alreadyPresent(String reportId) {
    }

    /**
     * A report was skipped because of its own content or a refusal that waiting will not mend;
     * nothing was written for it.
     *
     * @param reportId the report's ID, or null when the listing gave no usable one
     * @param reason   one line without patient data or secrets ({@link FailureRule#reason})
     */
    default void skipped(String reportId, FailureRule.Skip why, String reason) {
    }
}
