package org.safelight.cloud;

/**
 * Puts an upload on the sender's report list, kept by the accounts role: in-process when accounts
 * runs in the same server, over HTTP otherwise. The cloud answers 201 only once this has
 * succeeded. The accounts role decides from the sender's account as it is now (not from their
 * sign-in) whether they may upload and which enterprise's listing the upload joins. Implementations
 * are thread-safe and idempotent for the same link.
 */
@FunctionalInterface
public interface UploadRecorder {

    /**
     * @param uploaderToken the sender's own bearer token, for recorders that call the accounts role
     * @return the enterprise the upload was recorded in, {@code ""} for none
     * @throws SenderNotConfirmedException when the sender's address is not confirmed (nothing recorded)
     * @throws UploadRecordingException when the list could not be written; the upload is then undone
     */
    String record(Upload upload, String uploaderToken);

    /** The accounts role refused: the sender has not confirmed their address (or has no account). */
    final class SenderNotConfirmedException extends RuntimeException {
        public SenderNotConfirmedException() {
            super("the sender's address is not confirmed");
        }
    }

    /** The failure of a recorder: the accounts role is down or refused. */
    final class UploadRecordingException extends RuntimeException {
        public UploadRecordingException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
