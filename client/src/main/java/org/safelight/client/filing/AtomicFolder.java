package org.safelight.client.filing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.safelight.format.container.AtomicFile;
import org.safelight.format.container.SafeUnzip;

/**
 * A folder that appears whole or not at all: written into a staging folder inside the same parent
 * (so the rename never crosses file systems), every file and folder synced, then one atomic rename,
 * then the parent synced. After a crash a folder that is there is complete; staging folders left
 * behind are removed by {@link #removeStaging}.
 */
public final class AtomicFolder {
    /** Prefix of staging folders; never a valid report ID, so never mistaken for a filed report. */
    public static final String STAGING = ".safelight-staging-";

    private AtomicFolder() {
    }

    /** A new, empty staging folder in {@code parent} (created when missing). */
    public static Path staging(Path parent) throws IOException {
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, STAGING);
    }

    /** Syncs everything under {@code folder}, moves it to {@code target} with one rename and syncs the parent. */
    public static void commit(Path folder, Path target) throws IOException {
        forceTree(folder);
        Files.move(folder, target, StandardCopyOption.ATOMIC_MOVE);
        AtomicFile.sync(target.toAbsolutePath().getParent());
    }

    /** Deletes staging folders a crashed run left in {@code parent}. */
    public static void removeStaging(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(STAGING)).toList()) {
                SafeUnzip.deleteTree(p);
            }
        }
    }

    private static void forceTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                AtomicFile.sync(p);
            }
        }
    }
}
