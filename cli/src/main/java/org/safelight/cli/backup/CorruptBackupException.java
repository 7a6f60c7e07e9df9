package org.safelight.cli.backup;

/**
 * A backup file that does not match its own manifest (an entry changed, missing or added, a
 * damaged ZIP): refused before anything is restored. An integrity failure (exit 3).
 */
public final class CorruptBackupException extends BackupException {
    public CorruptBackupException(String message) {
        super("the backup is damaged or was changed, nothing was restored: " + message);
    }
}
