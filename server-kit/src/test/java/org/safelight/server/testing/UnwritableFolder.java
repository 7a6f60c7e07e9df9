package org.safelight.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A folder this process can list but not create files in, as a disk remounted read-only looks to a
 * server. For an ordinary user, a new folder with mode 0500. Root ignores modes (and CI runs as
 * root), so for root it is a folder of {@code /proc}, where nobody can create files; nothing is ever
 * written there, since every attempt fails.
 */
public final class UnwritableFolder {
    private static final Path PROC_FOLDER = Path.of("/proc/driver");

    private UnwritableFolder() {
    }

    /** @param parent where the 0500 folder is made for an ordinary user (a test's temporary folder) */
    public static Path make(Path parent) throws IOException {
        if ("root".equals(System.getProperty("user.name"))) {
            if (!Files.isDirectory(PROC_FOLDER)) {
                throw new IllegalStateException(PROC_FOLDER + " is missing: is /proc mounted?");
            }
            return PROC_FOLDER;
        }
        Path folder = Files.createTempDirectory(parent, "read-only-");
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-x------"));
        return folder;
    }

    /** Makes a folder from {@link #make} writable again, so a temporary folder can be deleted. */
    public static void release(Path folder) throws IOException {
        if (!folder.equals(PROC_FOLDER) && Files.isDirectory(folder)) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
