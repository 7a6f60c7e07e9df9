package org.safelight.cli.backup;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The files of a data folder that a backup carries, as paths relative to the folder with {@code /}
 * between names: the cloud's blobs ({@code cloud/}), the endpoint's received files, the signing
 * keys, the policy files, {@code certs/}, the outbox and whatever else lives there. Left out:
 * <ul>
 *   <li>{@code master.key}, on purpose (see {@link BackupWriter});</li>
 *   <li>the SQLite database and its WAL, SHM and journal files: the backup has a consistent
 *       snapshot of it instead;</li>
 *   <li>{@code serve.lock} (the running server's lock; a backup never takes it);</li>
 *   <li>work in progress: names that start with a dot (partial uploads, spools, files being
 *       written), {@code tmp/}, and {@code endpoint/work/}, where the endpoint keeps decrypted
 *       copies only while delivering them.</li>
 * </ul>
 * A symbolic link to a file (say {@code certs/privkey.pem} pointing at a certificate robot's
 * folder) is carried as the file it points to; a link to a folder is not followed.
 */
final class DataFolderFiles {
    static final String MASTER_KEY = "master.key";
    static final String DATABASE = "safelight.db";
    private static final Set<String> LEFT_OUT_AT_TOP = Set.of(MASTER_KEY, "serve.lock", DATABASE, DATABASE + "-wal",
            DATABASE + "-shm", DATABASE + "-journal", "tmp");

    private DataFolderFiles() {
    }

    /** A file to carry, with its name in the backup relative to the folder walked. */
    record Found(Path path, String relative) {
    }

    /** Everything in {@code dataDir} a backup carries, sorted by name. */
    static List<Found> of(Path dataDir) throws IOException {
        return walk(dataDir, true);
    }

    /** Every file in a folder of received files kept outside the data folder. */
    static List<Found> received(Path folder) throws IOException {
        return walk(folder, false);
    }

    private static List<Found> walk(Path root, boolean dataFolder) throws IOException {
        List<Found> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String relative = relative(root, dir);
                return leftOut(relative, dataFolder) || dataFolder && relative.equals("endpoint/work")
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String relative = relative(root, file);
                // a link is carried when it leads to a regular file (isRegularFile follows it)
                if (!leftOut(relative, dataFolder) && (attrs.isRegularFile() || Files.isRegularFile(file))) {
                    found.add(new Found(file, relative));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted since listed (an expired blob): nothing to carry
                }
                throw e;
            }
        });
        found.sort(java.util.Comparator.comparing(Found::relative));
        return found;
    }

    private static boolean leftOut(String relative, boolean dataFolder) {
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        if (name.startsWith(".")) {
            return true;
        }
        return dataFolder && !relative.contains("/") && LEFT_OUT_AT_TOP.contains(relative);
    }

    private static String relative(Path root, Path path) {
        return root.relativize(path).toString().replace(java.io.File.separatorChar, '/');
    }
}
