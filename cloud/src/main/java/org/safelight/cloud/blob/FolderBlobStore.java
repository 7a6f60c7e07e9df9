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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * Blobs as files under a folder ({@code DATA_DIR/cloud/{region}/{name}}), readable by this user only
 * (0600). A put forces the file to disk and renames it into place when it is on the same disk;
 * otherwise it copies into a hidden temporary file in the target folder, forces that, and renames
 * it. Either way a reader never sees a partial file, even after a crash.
 */
public final class FolderBlobStore implements BlobStore {
    private static final Pattern KEY = Pattern.compile("[A-Z]{2}/[A-Za-z0-9_-]{1,100}");

    private final Path root;

    public FolderBlobStore(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    @Override
    public void put(String key, Path file) throws IOException {
        Path target = resolve(key);
        Path folder = Files.createDirectories(target.getParent());
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
        FileChannel channel;
        try {
            channel = FileChannel.open(resolve(key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException("no blob under that key");
        }
        channel.position(offset);
        return new BoundedStream(Channels.newInputStream(channel), length);
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

    /** At most {@code remaining} bytes of the underlying stream, which it closes. */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private long remaining;

        BoundedStream(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
