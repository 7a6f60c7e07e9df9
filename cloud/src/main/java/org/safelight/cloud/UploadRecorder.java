package org.safelight.cloud;

/**
 * Puts an upload on the sender's report list, kept by the accounts role: in-process when accounts
 * runs in the same server, over HTTP otherwise. The cloud answers 201 only once this has
 * succeeded. Implementations are thread-safe and idempotent for the same link.
 */
@FunctionalInterface
public interface UploadRecorder {

    /**
     * @param uploaderToken the sender's own bearer token, for recorders that call the accounts role
     * @throws UploadRecordingException when the list could not be written; the upload is then undone
     */
    void record(Upload upload, String uploaderToken);

    /** The failure of a recorder: the accounts role is down or refused. */
    final class UploadRecordingException extends RuntimeException {
        public UploadRecordingException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
