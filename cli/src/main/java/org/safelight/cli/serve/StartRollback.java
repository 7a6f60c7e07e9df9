package org.safelight.cli.serve;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed start leaves behind: nothing it created. Taken before the start, {@link #undo}
 * removes the entries of the data folder the start added — and the folder itself, and any parent
 * it created — when the start also created the SQLite database in it: then nothing anywhere refers
 * to the master key, signing keys or boundary marker it wrote. With a database that was already
 * there (or lives elsewhere, like PostgreSQL) everything stays: that database may already hold
 * rows made under those keys, and losing the master key would lose them.
 */
final class StartRollback {
    private static final Logger LOG = LoggerFactory.getLogger(StartRollback.class);

    private final Path dataDir;
    private final Path firstCreated;
    private final Set<Path> before;
    private final boolean databaseIsNewAndInside;

    private StartRollback(Path dataDir, Path firstCreated, Set<Path> before, boolean databaseIsNewAndInside) {
        this.dataDir = dataDir;
        this.firstCreated = firstCreated;
        this.before = before;
        this.databaseIsNewAndInside = databaseIsNewAndInside;
    }

    static StartRollback before(Path dataDir, String databaseUrl) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path firstCreated = null;
        for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            firstCreated = p;
        }
        Set<Path> entries = new HashSet<>();
        if (firstCreated == null && Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                list.forEach(entries::add);
            }
        }
        Path db = DataFolder.sqliteFile(databaseUrl);
        boolean newInside = db != null && db.toAbsolutePath().normalize().startsWith(dir)
                && !Files.exists(db, LinkOption.NOFOLLOW_LINKS);
        return new StartRollback(dir, firstCreated, entries, newInside);
    }

    /** Removes what the start created, as the class says; never throws. */
    void undo() {
        if (!databaseIsNewAndInside) {
            return;
        }
        try {
            if (firstCreated != null) {
                deleteTree(firstCreated);
                return;
            }
            try (Stream<Path> list = Files.list(dataDir)) {
                for (Path entry : list.toList()) {
                    if (!before.contains(entry)) {
                        deleteTree(entry);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("could not remove what the failed start wrote in {}: {}", dataDir, e.getMessage());
        }
    }

    /** Deletes a file or a folder with what it holds, never following a symbolic link. */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
