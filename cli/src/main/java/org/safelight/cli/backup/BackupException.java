package org.safelight.cli.backup;

/**
 * A backup or restore that was refused before it did anything harmful: the output is inside the
 * data folder, the restore target is not empty, the database cannot be read. The message is for
 * the operator: what happened and what to do.
 */
public class BackupException extends RuntimeException {
    public BackupException(String message) {
        super(message, null, false, false);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
