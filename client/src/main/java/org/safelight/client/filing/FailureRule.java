package org.safelight.client.filing;

import java.io.IOException;
import org.safelight.client.RefusedException;
import org.safelight.format.FormatException;
import org.safelight.format.picsafe.KeyNeededException;
import org.safelight.format.rncryptor.IntegrityException;

/**
 * The filing pipeline's one rule for a failure while handling one report (DESIGN §6: one report's
 * content never blocks the others). Either the failure is the report's — it is skipped with one line
 * and the cursor moves past it — or it is the run's, and the run stops with the cursor before the
 * report, so that the next run tries it again.
 *
 * <ul>
 * <li>Stop: transport and disk failures (any {@link IOException} that is not about the report's
 *     bytes), and 401, 429 and 5xx from the cloud download or from the key route of a trusted key
 *     server: a credential, the servers or the network, which waiting or an operator can mend.</li>
 * <li>Skip: anything the report's content causes: an unsafe or malformed ZIP, bad JSON, a failed
 *     integrity check, a missing private key, any other refusal (403, 404, 410, a key server that is
 *     not trusted), and any unexpected runtime failure while reading the report.</li>
 * </ul>
 * The key server a report names is reduced to its origin and checked against the trusted list before
 * anything is sent (see {@code ReportSync}), so a refusal that stops the run comes only from the real
 * key route of a server the operator chose, never from a URL the report's author picked.
 */
public final class FailureRule {
    private FailureRule() {
    }

    /** Where in handling one report a failure came. */
    public enum Step {
        /** Downloading the report's bytes from the cloud. */
        DOWNLOAD,
        /** Asking the report's (trusted) key server for its key. */
        KEY,
        /** Reading the downloaded file: ZIP, package.json, decryption, the inner package. */
        OPEN
    }

    /** Why a report was skipped; each counts towards its own exit code. */
    public enum Skip {
        REFUSED, INTEGRITY, MALFORMED, NEEDS_KEY
    }

    /** @return why to skip the report, or null when the failure must stop the run */
    public static Skip classify(Step step, Exception failure) {
        if (failure instanceof RefusedException r) {
            boolean mendable = r.status() == 401 || r.status() == 429 || r.status() >= 500;
            return mendable && step != Step.OPEN ? null : Skip.REFUSED;
        }
        if (failure instanceof IntegrityException) {
            return Skip.INTEGRITY;
        }
        if (failure instanceof KeyNeededException) {
            return Skip.NEEDS_KEY;
        }
        if (failure instanceof FormatException) {
            return Skip.MALFORMED;
        }
        if (failure instanceof RuntimeException) {
            // While reading hostile bytes an unforeseen failure is the report's; elsewhere it is ours.
            return step == Step.OPEN ? Skip.MALFORMED : null;
        }
        return null;
    }

    /**
     * The one line for a failure that trying again later can mend ({@link #classify} gave null): who
     * failed and how, by status and error code or by the transport's message (which names a server,
     * never a report's content); no patient data, no secrets.
     */
    public static String retryReason(Step step, Exception failure) {
        String who = switch (step) {
            case DOWNLOAD -> "the cloud";
            case KEY -> "the key server";
            case OPEN -> "the disk";
        };
        if (failure instanceof RefusedException r) {
            return who + " answered " + r.status() + " (" + r.code() + ")";
        }
        if (step != Step.OPEN && failure instanceof IOException && failure.getMessage() != null) {
            return failure.getMessage();
        }
        return who + " failed (" + failure.getClass().getSimpleName() + ")";
    }

    /** The reason in the one line a skipped report gets: no patient data, no secrets. */
    public static String reason(Skip skip, Exception failure) {
        if (failure instanceof RefusedException r) {
            return r.getMessage() + " (" + r.code() + ")";
        }
        if (skip == Skip.INTEGRITY) {
            return "it failed its integrity check (" + failure.getMessage() + "); nothing was written";
        }
        if (failure instanceof FormatException) {
            return failure.getMessage();
        }
        return "it could not be read (" + failure.getClass().getSimpleName() + ")";
    }
}
