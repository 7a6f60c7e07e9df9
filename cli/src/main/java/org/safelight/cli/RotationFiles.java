package org.safelight.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.safelight.server.crypto.MasterKey;

/**
 * The master key files of a data folder during a rotation: the key in use ({@code master.key}), the
 * generated new one ({@code master.key.next}) and the retired old one
 * ({@code master.key.retired-DATE}). Every step is a rename within the folder, so a crash leaves
 * either the old or the new name, never half a key.
 */
final class RotationFiles {
    private final Path dataDir;

    RotationFiles(Path dataDir) {
        this.dataDir = dataDir;
    }

    Path current() {
        return dataDir.resolve(MasterKey.FILE_NAME);
    }

    Path next() {
        return dataDir.resolve(MasterKey.FILE_NAME + ".next");
    }

    /** Renames the key in use to {@code master.key.retired-DATE} (a suffix when that exists) and returns its new name. */
    Path retire() throws IOException {
        String base = MasterKey.FILE_NAME + ".retired-" + LocalDate.now(ZoneOffset.UTC);
        for (int n = 1; ; n++) {
            Path retired = dataDir.resolve(n == 1 ? base : base + "." + n);
            if (!Files.exists(retired)) {
                try {
                    Files.move(current(), retired, StandardCopyOption.ATOMIC_MOVE);
                    return retired;
                } catch (FileAlreadyExistsException raced) {
                    // try the next name
                }
            }
        }
    }

    /** Makes {@code key} the key in use: moved when it is {@link #next}, else copied (owner-only). */
    void install(Path key) throws IOException {
        if (key.toAbsolutePath().equals(next().toAbsolutePath())) {
            Files.move(key, current(), StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Path partial = dataDir.resolve(MasterKey.FILE_NAME + ".partial");
        Files.deleteIfExists(partial);
        if (Files.getFileAttributeView(dataDir, PosixFileAttributeView.class) != null) {
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(partial);
        }
        Files.write(partial, Files.readAllBytes(key));
        Files.move(partial, current(), StandardCopyOption.ATOMIC_MOVE);
    }
}
