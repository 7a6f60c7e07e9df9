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
 * What a failed start leaves behind: nothing it created. {@link #before} notes, before the data
 * folder is prepared, which missing folders the start will create; {@link #underLock} looks at the
 * folder once the start holds its lock, so no other server can be writing into it. {@link #undo},
 * called only while that lock is still held, removes the entries the start added — and the folder
 * itself, and any parent it created — when the start also created the SQLite database in it: then
 * nothing anywhere refers to the master key, signing keys or boundary marker it wrote. With a
 * database that was already there (or lives elsewhere, like PostgreSQL) everything stays: that
 * database may already hold rows made under those keys, and losing the master key would lose them.
 * A start refused the lock undoes nothing: what is in the folder is the other server's.
 */
final class StartRollback {
    private static final Logger LOG = LoggerFactory.getLogger(StartRollback.class);

    private final Path dataDir;
    private final Path firstCreated;
    private final Set<Path> before;
    private final boolean databaseIsNewAndInside;
    private final String databaseUrl;

    private StartRollback(Path dataDir, Path firstCreated, Set<Path> before, boolean databaseIsNewAndInside,
                          String databaseUrl) {
        this.dataDir = dataDir;
        this.firstCreated = firstCreated;
        this.before = before;
        this.databaseIsNewAndInside = databaseIsNewAndInside;
        this.databaseUrl = databaseUrl;
    }

    /** Before the data folder is prepared: the first of its missing folders, if any. */
    static StartRollback before(Path dataDir, String databaseUrl) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path firstCreated = null;
        for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            firstCreated = p;
        }
        return new StartRollback(dir, firstCreated, Set.of(), false, databaseUrl);
    }

    /**
     * Once the start holds the data folder's lock: what is in the folder now stays on undo, and undo
     * removes anything only if the SQLite database is not there yet (another server that held the
     * lock before us would have made it).
     */
    StartRollback underLock() throws IOException {
        Set<Path> entries = new HashSet<>();
        if (Files.isDirectory(dataDir)) {
            try (Stream<Path> list = Files.list(dataDir)) {
                list.forEach(entries::add);
            }
        }
        Path found = DataFolder.sqliteFile(databaseUrl);
        Path db = found == null ? null : found.toAbsolutePath().normalize();
        // Preparing the folder makes an empty database file; a server that ran has written into it.
        boolean newInside = db != null && db.startsWith(dataDir) && isMissingOrEmpty(db);
        boolean stillOurs = firstCreated != null && newInside && entries.stream()
                .allMatch(e -> e.getFileName().toString().equals(DataFolderLock.FILE_NAME) || e.equals(db));
        if (newInside) {
            entries.remove(db); // the empty file this start's preparation made goes too
        }
        return new StartRollback(dataDir, stillOurs ? firstCreated : null, entries, newInside, databaseUrl);
    }

    private static boolean isMissingOrEmpty(Path file) throws IOException {
        return !Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) == 0;
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
