package org.safelight.cloud.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the bytes of cloud reports live, by key ({@code AU/{random}-{ReportID}}). Keys are made by
 * the cloud role ({@code [A-Z]{2}/[A-Za-z0-9_-]+}); stores may rely on that. Implementations are
 * thread-safe.
 */
public interface BlobStore {

    /**
     * Stores the whole of {@code file} under {@code key}, atomically: readers see nothing or all of
     * it, never part. The store may move the file away (a rename within one disk); the caller
     * deletes it if it is still there.
     *
     * @throws IOException when it could not be stored; nothing is then visible under the key
     */
    void put(String key, Path file) throws IOException;

    /**
     * The bytes {@code [offset, offset + length)} of the blob, streamed. The caller knows the blob's
     * size and asks for a range within it.
     *
     * @throws BlobNotFoundException when there is no blob under the key
     */
    InputStream read(String key, long offset, long length) throws IOException;

    /**
     * The blob as a local file opened for reading, when the store keeps blobs as files, so that a
     * download can be sent from the page cache without passing through the heap; the caller closes
     * it. Empty when the store has no such file (S3): read with {@link #read} instead. A blob deleted
     * while its file is open stays readable through it (POSIX: the bytes go with the last close).
     *
     * @throws BlobNotFoundException when the store keeps files and there is none under the key
     */
    default Optional<FileChannel> openFile(String key) throws IOException {
        return Optional.empty();
    }

    /** Whether a blob is stored under the key. */
    boolean exists(String key) throws IOException;

    /** Removes the blob; removing a missing one is no error. */
    void delete(String key) throws IOException;
}
