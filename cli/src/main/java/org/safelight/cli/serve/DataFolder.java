package org.safelight.cli.serve;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.safelight.server.crypto.MasterKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the data folder private whatever the umask. What {@code serve} creates is created private
 * (folders 0700, the SQLite database 0600 — SQLite gives its WAL and SHM files the database's
 * mode); the master key, signing keys, outbox and blobs are created 0600 by their own classes.
 *
 * <p>At start, everything in the folder (and a SQLite database kept elsewhere, with its WAL and
 * SHM) is checked, without following symbolic links. Anything group- or world-accessible that this
 * process owns is narrowed to its owner's bits, with one warning line each: the operator wanted the
 * server to run, and narrowing loses nothing the server needs. Anything that is not ours, so cannot
 * be fixed, stops the start with one line that says which path and what to run: reports' keys,
 * sign-in secrets and blobs must not stay readable by other accounts on the host. A master key
 * others could read always stops the start (as {@code MasterKey} itself does): it may have been
 * copied, which the operator must weigh, not a log line. On file systems
 * without POSIX permissions nothing is checked.
 */
public final class DataFolder {
    private static final Logger LOG = LoggerFactory.getLogger(DataFolder.class);
    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** A path in the data folder others can read, which this process cannot narrow. */
    public static final class NotPrivateException extends RuntimeException {
        NotPrivateException(String message) {
            super(message);
        }
    }

    private DataFolder() {
    }

    /**
     * Creates the data folder (0700) and an embedded database file (0600) when missing, then checks
     * them as the class says.
     *
     * @return the paths that were narrowed
     * @throws NotPrivateException when a path others can access is not ours to narrow
     */
    public static List<Path> prepare(Path dataDir, String databaseUrl) throws IOException {
        boolean posix = createFolder(dataDir);
        Path database = sqliteFile(databaseUrl);
        if (database != null) {
            createFolder(database.toAbsolutePath().getParent());
            createFile(database);
        }
        if (!posix) {
            return List.of();
        }
        UserPrincipal me = Files.getOwner(dataDir, LinkOption.NOFOLLOW_LINKS);
        List<Path> narrowed = new ArrayList<>();
        Files.walkFileTree(dataDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                check(dir, me, narrowed);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!attrs.isSymbolicLink()) {
                    check(file, me, narrowed);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        if (database != null && !database.toAbsolutePath().normalize().startsWith(dataDir.toAbsolutePath().normalize())) {
            for (String suffix : List.of("", "-wal", "-shm")) {
                Path file = database.resolveSibling(database.getFileName() + suffix);
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    check(file, me, narrowed);
                }
            }
        }
        return narrowed;
    }

    /** The file of a {@code jdbc:sqlite:PATH} URL; null for other databases and in-memory ones. */
    static Path sqliteFile(String databaseUrl) {
        if (databaseUrl == null || !databaseUrl.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String file = databaseUrl.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
            return null;
        }
        return Path.of(file);
    }

    private static void check(Path path, UserPrincipal me, List<Path> narrowed) {
        try {
            PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> perms = attrs.permissions();
            if (perms.stream().noneMatch(OTHERS::contains)) {
                return;
            }
            String mode = PosixFilePermissions.toString(perms);
            if (path.getFileName() != null && path.getFileName().toString().equals(MasterKey.FILE_NAME) && attrs.isRegularFile()) {
                throw new NotPrivateException(path + " is " + mode + ": the key to every report may have been copied;"
                        + " it must be readable by its owner only (chmod 600 " + path + "), and is not narrowed"
                        + " silently");
            }
            if (!attrs.owner().equals(me)) {
                throw new NotPrivateException(path + " is " + mode + " (others may read it) and belongs to "
                        + attrs.owner().getName() + ", not to " + me.getName() + " who runs the server: run 'chmod "
                        + (attrs.isDirectory() ? "700" : "600") + " " + path + "' or 'chown " + me.getName() + " "
                        + path + "', then start again");
            }
            Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
            for (PosixFilePermission p : perms) {
                if (!OTHERS.contains(p)) {
                    owner.add(p);
                }
            }
            Files.setPosixFilePermissions(path, owner);
            LOG.warn("{} was {}: others could read it; it is now {}", path, mode, PosixFilePermissions.toString(owner));
            narrowed.add(path);
        } catch (IOException e) {
            throw new NotPrivateException("the permissions of " + path + " cannot be checked (" + e.getMessage() + ")");
        }
    }

    /** Creates the folder and any missing parents 0700; whether the file system has POSIX permissions. */
    private static boolean createFolder(Path dir) throws IOException {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        boolean posix = existing == null
                || Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FOLDER)}
                    : new FileAttribute<?>[0]);
        }
        return posix;
    }

    private static void createFile(Path file) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        boolean posix = Files.getFileAttributeView(file.toAbsolutePath().getParent(), PosixFileAttributeView.class) != null;
        try {
            // An empty file is an empty SQLite database; SQLite then gives the WAL and SHM files its mode.
            Files.createFile(file, posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                    : new FileAttribute<?>[0]);
        } catch (FileAlreadyExistsException raced) {
            // another process created it first; the check that follows looks at it
        }
    }
}
