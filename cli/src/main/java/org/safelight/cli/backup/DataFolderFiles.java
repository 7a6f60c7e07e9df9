package org.safelight.cli.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The files of a data folder that a backup carries, as paths relative to the folder with {@code /}
 * between names: the cloud's blobs ({@code cloud/}), the endpoint's received files, the signing
 * keys, the policy files, {@code certs/}, the outbox and whatever else lives there. Left out:
 * <ul>
 *   <li>every key file, at any depth and on purpose (see {@link BackupWriter}): any name that starts
 *       with {@code master.key} (the key, and a rotation's {@code master.key.next},
 *       {@code master.key.retired-DATE}, {@code master.key.partial}) and any {@code *.pin} file
 *       (an HSM's PIN);</li>
 *   <li>the SQLite database and its WAL, SHM and journal files: the backup has a consistent
 *       snapshot of it instead;</li>
 *   <li>{@code serve.lock} (the running server's lock; a backup never takes it);</li>
 *   <li>work in progress: names that start with a dot (partial uploads, spools, files being
 *       written), {@code tmp/}, and {@code endpoint/work/}, where the endpoint keeps decrypted
 *       copies only while delivering them;</li>
 *   <li>symbolic links, to files or folders: never followed, so that a link planted in the folder
 *       (say to {@code /etc/shadow}) cannot make a backup run as root copy what it points to. They
 *       are listed in {@link Listing#links()} for the operator to hear about; devices, pipes and
 *       sockets are left out silently.</li>
 * </ul>
 */
final class DataFolderFiles {
    static final String MASTER_KEY = "master.key";
    static final String DATABASE = "safelight.db";
    private static final String PIN = ".pin";
    private static final Set<String> LEFT_OUT_AT_TOP = Set.of("serve.lock", DATABASE, DATABASE + "-wal",
            DATABASE + "-shm", DATABASE + "-journal", "tmp");

    private DataFolderFiles() {
    }

    /** A file to carry, with its name in the backup relative to the folder walked. */
    record Found(Path path, String relative) {
    }

    /**
     * What a walk found.
     *
     * @param files the regular files to carry, sorted by name
     * @param links the symbolic links left out, relative to the folder walked, sorted
     */
    record Listing(List<Found> files, List<String> links) {
    }

    /** Everything in {@code dataDir} a backup carries. */
    static Listing of(Path dataDir) throws IOException {
        return walk(dataDir, true);
    }

    /** Every file in a folder of received files kept outside the data folder. */
    static Listing received(Path folder) throws IOException {
        return walk(folder, false);
    }

    /**
     * Opens a file a walk found, refusing one that has become a link since: the file itself is
     * opened without following a link, and the folders above it must still be the real ones
     * (a folder swapped for a link after the walk would otherwise lead anywhere).
     */
    static InputStream open(Found found) throws IOException {
        Path parent = found.path().getParent();
        if (!parent.toRealPath().equals(parent)) {
            throw new IOException("a folder above " + found.relative()
                    + " became a symbolic link while it was backed up: no backup was written");
        }
        return Files.newInputStream(found.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    private static Listing walk(Path folder, boolean dataFolder) throws IOException {
        List<Found> found = new ArrayList<>();
        List<String> links = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return new Listing(found, links);
        }
        // the folder the operator named may itself be reached through a link; nothing below it is
        Path root = folder.toRealPath();
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
                // without FOLLOW_LINKS a link (to a file or a folder) arrives here, as itself
                String relative = relative(root, file);
                if (leftOut(relative, dataFolder)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isSymbolicLink()) {
                    links.add(relative);
                } else if (attrs.isRegularFile()) {
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
        found.sort(Comparator.comparing(Found::relative));
        links.sort(Comparator.naturalOrder());
        return new Listing(found, links);
    }

    /** Whether a name is left out; key files wherever they are, since a key in a backup defeats keeping it apart. */
    private static boolean leftOut(String relative, boolean dataFolder) {
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        if (name.startsWith(".") || name.startsWith(MASTER_KEY) || name.endsWith(PIN)) {
            return true;
        }
        return dataFolder && !relative.contains("/") && LEFT_OUT_AT_TOP.contains(relative);
    }

    private static String relative(Path root, Path path) {
        return root.relativize(path).toString().replace(java.io.File.separatorChar, '/');
    }
}
