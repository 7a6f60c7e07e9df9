package org.safelight.cli.serve;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * One server per data folder: an exclusive lock on {@code DATA_DIR/serve.lock}, held while the
 * server runs. Two servers on one folder would each think they own the SQLite database, the
 * outbox and the cloud folder, and the audit chain's boundary marker. The operating system
 * releases the lock when the process ends, however it ends; the file itself stays (deleting a
 * lock file races with the next server taking it).
 */
public final class DataFolderLock implements AutoCloseable {
    public static final String FILE_NAME = "serve.lock";

    /** Another server holds the folder. */
    public static final class HeldException extends RuntimeException {
        HeldException(String message) {
            super(message, null, false, false);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private DataFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the folder's lock without waiting.
     *
     * @throws HeldException naming the folder when another server (in this process or another) holds it
     */
    public static DataFolderLock acquire(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        boolean posix = Files.getFileAttributeView(dataDir, PosixFileAttributeView.class) != null;
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DataFolder.FILE)}
                : new FileAttribute<?>[0];
        FileChannel channel = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                attrs);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new HeldException("another Safelight server is using the data folder " + dataDir.toAbsolutePath()
                    + " (it holds " + FILE_NAME + " there): stop that server first, or give this one its own"
                    + " --data-dir");
        }
        return new DataFolderLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
