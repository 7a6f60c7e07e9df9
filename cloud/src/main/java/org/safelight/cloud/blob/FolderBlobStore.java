package org.safelight.cloud.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Blobs as files under a folder ({@code DATA_DIR/cloud/{region}/{name}}), readable by this user only
 * (files 0600, folders 0700). A put forces the file to disk and renames it into place when it is on the same disk;
 * otherwise it copies into a hidden temporary file in the target folder, forces that, and renames
 * it. Either way a reader never sees a partial file, even after a crash.
 */
public final class FolderBlobStore implements BlobStore {
    private static final Pattern KEY = Pattern.compile("[A-Z]{2}/[A-Za-z0-9_-]{1,100}");

    private static final FileAttribute<?> PRIVATE_FOLDER =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path root;

    /** @param root created 0700 when missing, as are the region folders in it */
    public FolderBlobStore(Path root) throws IOException {
        this.root = Files.createDirectories(root, PRIVATE_FOLDER);
    }

    @Override
    public void put(String key, Path file) throws IOException {
        Path target = resolve(key);
        Path folder = Files.createDirectories(target.getParent(), PRIVATE_FOLDER);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.WRITE)) {
            in.force(true);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        } catch (AtomicMoveNotSupportedException e) {
            // another disk: copy next to the target first
        }
        Path temp = Files.createTempFile(folder, ".upload-", ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                long size = in.size();
                for (long done = 0; done < size; ) {
                    done += in.transferTo(done, size - done, out);
                }
                out.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the blob folder does not support atomic renames", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        FileChannel channel = open(key);
        channel.position(offset);
        return new BoundedStream(Channels.newInputStream(channel), length);
    }

    @Override
    public Optional<FileChannel> openFile(String key) throws IOException {
        return Optional.of(open(key));
    }

    private FileChannel open(String key) throws IOException {
        try {
            return FileChannel.open(resolve(key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException("no blob under that key");
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    private Path resolve(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a blob key");
        }
        return root.resolve(key);
    }
}
