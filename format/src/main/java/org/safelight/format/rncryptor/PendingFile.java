package org.safelight.format.rncryptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.safelight.format.container.AtomicFile;

/**
 * A file that appears at its target complete or not at all: written as a private (0600, from
 * {@link Files#createTempFile}) temporary file in the target's folder, synced, and renamed onto the
 * target in one atomic step by {@link #commit}. Closing it uncommitted deletes it and leaves any
 * existing target as it was. No copy is ever made: the rename is the release.
 *
 * <p>The sync at the end is what makes the new file survive a crash, as with {@link AtomicFile}.
 * So that it does not wait for a whole file's worth of disk writes at the end, a helper thread asks
 * the kernel to write back what has been written so far every {@value #SYNC_STEP} bytes, while the
 * caller carries on. {@link #write} from one thread at a time.
 */
final class PendingFile implements AutoCloseable {
    static final long SYNC_STEP = 64L << 20;
    private static final Object STOP = new Object();

    private final Path target;
    private final Path partial;
    private final FileChannel channel;
    private final BlockingQueue<Object> syncRequests = new ArrayBlockingQueue<>(1);
    private final Thread syncer;
    private volatile IOException syncFailure;
    private long written;
    private long syncRequestedAt;
    private boolean committed;

    PendingFile(Path target) throws IOException {
        this.target = target.toAbsolutePath().normalize();
        Path folder = this.target.getParent();
        Files.createDirectories(folder);
        this.partial = Files.createTempFile(folder, "." + this.target.getFileName() + ".", ".partial");
        try {
            this.channel = FileChannel.open(partial, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        this.syncer = new Thread(this::syncWhenAsked, "safelight-writeback");
        syncer.setDaemon(true);
        syncer.start();
    }

    void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        written += len;
        if (written - syncRequestedAt >= SYNC_STEP) {
            syncRequestedAt = written;
            syncRequests.offer(Boolean.TRUE); // not queued if one is still running: the next covers it
        }
    }

    /** Syncs the file and renames it onto the target, replacing what was there. */
    void commit() throws IOException {
        stopSyncer();
        if (syncFailure != null) {
            throw syncFailure;
        }
        channel.force(true);
        channel.close();
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        AtomicFile.sync(target.getParent());
    }

    /** Without a commit: deletes the temporary file. */
    @Override
    public void close() throws IOException {
        stopSyncer();
        if (!committed) {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    private void syncWhenAsked() {
        try {
            while (syncRequests.take() != STOP) {
                channel.force(false);
            }
        } catch (IOException e) {
            syncFailure = e;
        } catch (InterruptedException e) {
            // stopped
        }
    }

    private void stopSyncer() {
        if (!syncer.isAlive()) {
            return;
        }
        syncRequests.clear();
        syncRequests.offer(STOP);
        boolean interrupted = false;
        while (syncer.isAlive()) {
            try {
                syncer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
