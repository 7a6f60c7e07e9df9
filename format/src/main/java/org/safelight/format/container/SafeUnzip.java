package org.safelight.format.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Extracts a ZIP from outside into a new folder, all or nothing: entries go to a private staging
 * folder beside the target (mode 0700 where the file system has POSIX permissions), which is
 * renamed into place only when every entry was read within the limits. On any failure the staging
 * folder is removed and the target is untouched. The total is also capped by the free disk space.
 */
public final class SafeUnzip {
    /** Left free on the target's disk whatever the archive claims. */
    static final long DISK_RESERVE = 256L << 20;

    private SafeUnzip() {
    }

    /** A check run on the extracted folder before it is moved into place; throw to refuse it. */
    @FunctionalInterface
    public interface Check {
        void verify(Path staged, List<String> names) throws IOException;
    }

    /**
     * Extracts {@code zip} into {@code target}, which must not exist or be an empty folder.
     *
     * @return the names of the files written, in archive order
     * @throws java.nio.file.FileAlreadyExistsException if the target exists and is not an empty folder
     * @throws UnsafeZipException if a name or a limit is broken; nothing is left behind
     */
    public static List<String> extract(InputStream zip, Path target, ZipLimits limits, Check check)
            throws IOException {
        Path dest = target.toAbsolutePath().normalize();
        ensureFreeOrEmpty(dest);
        Path parent = dest.getParent();
        Files.createDirectories(parent);
        long usable = Files.getFileStore(parent).getUsableSpace() - DISK_RESERVE;
        boolean diskBound = usable < limits.maxTotalBytes();
        if (diskBound) {
            limits = limits.withMaxTotalBytes(Math.max(1, usable));
        }
        SafeZipReader opened = null;
        Path staging = Files.createTempDirectory(parent, "." + dest.getFileName() + ".partial-");
        try {
            List<String> names = new ArrayList<>();
            try (SafeZipReader reader = new SafeZipReader(zip, limits)) {
                opened = reader;
                for (SafeZipReader.Entry e; (e = reader.next()) != null; ) {
                    Path file = staging.resolve(e.name()).normalize();
                    if (!file.startsWith(staging) || file.equals(staging)) {
                        throw new UnsafeZipException("entry '" + EntryNames.printable(e.name()) + "' leaves the folder");
                    }
                    write(e, file);
                    names.add(e.name());
                }
            }
            check.verify(staging, List.copyOf(names));
            Files.deleteIfExists(dest);
            Files.move(staging, dest, StandardCopyOption.ATOMIC_MOVE);
            return List.copyOf(names);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);
            if (diskBound && e instanceof UnsafeZipException && opened != null
                    && opened.inflated() > limits.maxTotalBytes()) {
                // The free disk space ran out, not the archive's allowance: a plain I/O failure, so that
                // callers retry later (sync keeps its cursor) instead of taking the archive for hostile.
                throw new IOException("not enough free disk space under " + parent + " to unpack the report ("
                        + usable + " bytes usable)", e);
            }
            throw e;
        }
    }

    /**
     * Writes one entry into the private staging folder. {@link EntryNames} refuses every name the disk
     * is known to refuse; should the disk still refuse a name or a path (a clash, a name or path too
     * long for this file system), that is the archive's doing, so it is an {@link UnsafeZipException}
     * (a report is skipped, not retried forever). A full or read-only disk, a quota or a permission
     * stays a plain I/O failure, which the caller may retry.
     */
    private static void write(SafeZipReader.Entry e, Path file) throws IOException {
        try {
            Files.createDirectories(file.getParent());
            Files.copy(e.stream(), file);
        } catch (FileSystemException refused) {
            if (refused instanceof AccessDeniedException || diskTrouble(refused.getReason())) {
                throw refused;
            }
            // The reason only: the full path names the target folder, which is not the archive's business.
            throw new UnsafeZipException("entry '" + EntryNames.printable(e.name()) + "' cannot be written to disk ("
                    + (refused.getReason() == null ? refused.getClass().getSimpleName() : refused.getReason()) + ")",
                    refused);
        }
    }

    private static boolean diskTrouble(String reason) {
        if (reason == null) {
            return false;
        }
        String r = reason.toLowerCase(java.util.Locale.ROOT);
        return r.contains("no space") || r.contains("quota") || r.contains("read-only") || r.contains("input/output");
    }

    public static List<String> extract(InputStream zip, Path target, ZipLimits limits) throws IOException {
        return extract(zip, target, limits, (staged, names) -> { });
    }

    private static void ensureFreeOrEmpty(Path dest) throws IOException {
        if (!Files.exists(dest)) {
            return;
        }
        if (!Files.isDirectory(dest)) {
            throw new java.nio.file.FileAlreadyExistsException(dest.toString(), null, "exists and is not a folder");
        }
        try (var entries = Files.list(dest)) {
            if (entries.findAny().isPresent()) {
                throw new DirectoryNotEmptyException(dest + " (choose a new or empty folder)");
            }
        }
    }

    /** Removes a folder and everything in it without following links. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
