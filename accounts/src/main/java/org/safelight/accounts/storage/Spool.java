package org.safelight.accounts.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;

/**
 * One upload's file while it goes on, in the spool folder under the data dir (0700, the file 0600;
 * never the system's shared temp dir). Closing deletes it, on every path out of the route. A plain
 * report lies here in clear for as long as the upload takes: the server must read it whole to check
 * that it is a report before it passes it on. Not thread-safe.
 */
public final class Spool implements AutoCloseable {
    private final Path file;

    private Spool(Path file) {
        this.file = file;
    }

    static Spool in(Path dir) throws IOException {
        if (dir == null) {
            throw new IllegalStateException("no spool folder set for storage uploads");
        }
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            if (posix) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        }
        // createTempFile makes the file 0600 where POSIX permissions exist
        return new Spool(Files.createTempFile(dir, "storage-", ".part"));
    }

    /**
     * Deletes what uploads cut short by a crash left in {@code dir} (a plain report among them would
     * otherwise stay in clear). Only files idle for an hour: another instance on the same data dir may
     * be filling its own right now. Returns how many were deleted.
     */
    public static int clearLeftovers(Path dir, java.time.Instant now) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        int deleted = 0;
        try (java.nio.file.DirectoryStream<Path> parts = Files.newDirectoryStream(dir, "storage-*.part")) {
            for (Path part : parts) {
                if (Files.getLastModifiedTime(part).toInstant().isBefore(now.minus(java.time.Duration.ofHours(1)))
                        && Files.deleteIfExists(part)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** Copies {@code in} here, refusing with too_large past {@code maxBytes}; returns the size. */
    long fill(InputStream in, long maxBytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new Refusal(ErrorCode.TOO_LARGE, "The report is larger than the " + maxBytes / 1_000_000
                            + " MB this server passes on to storage services: download it and upload it yourself.");
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // nothing more to do here: the folder is private to the server, and the next start may clear it
        }
    }
}
