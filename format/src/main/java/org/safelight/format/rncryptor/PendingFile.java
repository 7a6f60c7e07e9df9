package org.safelight.format.rncryptor;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.safelight.format.container.AtomicFile;

/**
 * A file that appears at its target complete or not at all: written as a private (0600) temporary
 * file with a random name in the target's folder, synced, and renamed onto the target in one atomic
 * step by {@link #commit}. Closing it uncommitted deletes it and leaves any existing target as it
 * was. No copy is ever made: the rename is the release.
 *
 * <p>The temporary file is created and opened in one call ({@code CREATE_NEW}, i.e. {@code O_EXCL},
 * which also refuses a symlink planted at the name), so no one can swap the name between creating
 * and opening it. While it is pending (it may hold plaintext whose HMAC is not verified yet) a JVM
 * shutdown hook deletes it, so Ctrl-C or SIGTERM leave nothing behind (SIGKILL cannot be caught).
 *
 * <p>The sync at the end is what makes the new file survive a crash, as with {@link AtomicFile}.
 * Every byte has to reach the disk before {@link #commit} returns, so where the file system allows
 * it the file is written <em>around</em> the page cache ({@code O_DIRECT}, see {@link DirectWrites}):
 * a helper thread writes {@value #STAGE}-byte aligned blocks straight to the disk while the caller
 * carries on. That saves a copy and, above all, the kernel's work of finding memory for a file's
 * worth of page cache and writing it back: on the benchmark's virtual machine a GiB written through
 * the cache and synced cost 0.7–1.2 s of system CPU, straight to the disk almost none. Where
 * {@code O_DIRECT} is refused (tmpfs before Linux 6.6, other systems) the file goes through the
 * page cache, and a helper thread asks the kernel to write back what has been written so far every
 * {@value #SYNC_STEP} bytes, so that the sync at the end does not wait for a whole file's writes.
 * {@link #write} from one thread at a time.
 */
final class PendingFile implements AutoCloseable {
    static final long SYNC_STEP = 64L << 20;
    /** Bytes per write around the page cache: large enough that the disk runs near its speed. */
    static final int STAGE = 8 << 20;
    /** Whether to try {@code O_DIRECT} at all: {@code -Dsafelight.directWrites=false} turns it off. */
    private static final boolean TRY_DIRECT = !"false".equals(System.getProperty("safelight.directWrites"));
    private static final Object STOP = new Object();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    /** Pending files to delete if the JVM exits before they are committed or closed. */
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private final Path target;
    private final Path partial;
    private final FileChannel channel;
    private final BlockingQueue<Object> syncRequests = new ArrayBlockingQueue<>(1);
    private final Thread syncer;
    /** Writes around the page cache, or null: through it, with {@link #syncer}. */
    private final DirectWrites direct;
    private volatile IOException syncFailure;
    private long written;
    private long syncRequestedAt;
    private boolean committed;

    PendingFile(Path target) throws IOException {
        this(target, TRY_DIRECT);
    }

    /** With {@code tryDirect} false, always through the page cache: for tests. */
    PendingFile(Path target, boolean tryDirect) throws IOException {
        this(target.toAbsolutePath().normalize(), true, tryDirect);
    }

    /**
     * A private scratch file in {@code folder} that is never renamed anywhere (no target, no sync):
     * read it back with {@link #copyTo} once its content is known good; closing deletes it.
     */
    static PendingFile scratch(Path folder) throws IOException {
        return new PendingFile(folder.toAbsolutePath().normalize().resolve("safelight-decrypted"), false, false);
    }

    private PendingFile(Path target, boolean durable, boolean tryDirect) throws IOException {
        this.target = target;
        Path folder = this.target.getParent();
        Files.createDirectories(folder);
        this.partial = folder.resolve("." + target.getFileName() + "." + randomHex() + ".partial");
        registerForDeletionAtExit(partial);
        try {
            this.channel = openPrivate(partial);
        } catch (IOException | RuntimeException e) {
            PENDING.remove(partial); // CREATE_NEW failed: the name is not ours, leave it alone
            throw e;
        }
        this.direct = durable && tryDirect ? DirectWrites.open(partial) : null;
        if (durable && direct == null) {
            this.syncer = new Thread(this::syncWhenAsked, "safelight-writeback");
            syncer.setDaemon(true);
            syncer.start();
        } else {
            this.syncer = null;
        }
    }

    /** Whether this file is written around the page cache: for tests. */
    boolean writesDirect() {
        return direct != null;
    }

    /** Closes the channel that writes around the page cache under the writing thread: for tests. */
    void breakDirectWritesForTest() throws IOException {
        direct.channel.close();
    }

    private static FileChannel openPrivate(Path path) throws IOException {
        EnumSet<StandardOpenOption> options =
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return FileChannel.open(path, options, OWNER_ONLY);
        }
        return FileChannel.open(path, options); // not POSIX (Windows): private by the folder's ACL
    }

    private static String randomHex() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void registerForDeletionAtExit(Path path) {
        if (!hookInstalled) {
            synchronized (PENDING) {
                if (!hookInstalled) {
                    Runtime.getRuntime().addShutdownHook(new Thread(PendingFile::deleteAllPending, "safelight-pending-cleanup"));
                    hookInstalled = true;
                }
            }
        }
        PENDING.add(path);
    }

    private static void deleteAllPending() {
        for (Path path : PENDING) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException | RuntimeException e) {
                // best effort at exit: nothing else can be done
            }
        }
    }

    /** Whether a shutdown would delete {@code path} now: for tests. */
    static boolean isPendingAtExit(Path path) {
        return PENDING.contains(path);
    }

    /** The temporary file's path: for tests. */
    Path partialPath() {
        return partial;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (direct != null) {
            direct.write(b, off, len);
            written += len;
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        written += len;
        if (syncer != null && written - syncRequestedAt >= SYNC_STEP) {
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
        if (direct != null) {
            byte[] tail = direct.finish();
            ByteBuffer buffer = ByteBuffer.wrap(tail);
            while (buffer.hasRemaining()) { // the last, unaligned bytes: through the page cache
                channel.write(buffer, written - tail.length + buffer.position());
            }
            Trace.mark("commit: written around the page cache");
        }
        Trace.mark("commit: final sync");
        channel.force(true);
        Trace.mark("commit: synced");
        channel.close();
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        committed = true;
        PENDING.remove(partial);
        AtomicFile.sync(target.getParent());
    }

    /**
     * Copies what was written, from its start, to {@code out} (not flushed or closed). Only for a
     * {@link #scratch} file whose content the caller has verified.
     */
    void copyTo(java.io.OutputStream out) throws IOException {
        byte[] buffer = new byte[1 << 20];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        for (long pos = 0; pos < written; ) {
            wrapped.clear();
            int n = channel.read(wrapped, pos);
            if (n < 0) {
                throw new IOException("the decrypted temporary file was shortened");
            }
            out.write(buffer, 0, n);
            pos += n;
        }
    }

    /** Without a commit: deletes the temporary file. */
    @Override
    public void close() throws IOException {
        stopSyncer();
        if (direct != null) {
            direct.close();
        }
        if (!committed) {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(partial);
                PENDING.remove(partial);
            }
        }
    }

    private void syncWhenAsked() {
        try {
            while (syncRequests.take() != STOP) {
                channel.force(false);
                Trace.mark("fdatasync done");
            }
        } catch (IOException e) {
            syncFailure = e;
        } catch (InterruptedException e) {
            // stopped
        }
    }

    private void stopSyncer() {
        if (syncer == null || !syncer.isAlive()) {
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

    /**
     * Writing a file around the page cache ({@code O_DIRECT}): the caller's bytes are gathered in
     * {@value #STAGE}-byte direct buffers aligned to the file system's block, and a second thread
     * writes each full one at its place while the caller fills the next. Only the last, unaligned
     * bytes are left for the caller to write through the page cache. A failure of the writing thread
     * (a full disk) surfaces in the next {@link #write} or in {@link #finish}, and stays.
     */
    private static final class DirectWrites implements AutoCloseable {
        private static final int STAGES = 2;
        private final FileChannel channel;
        private final int align;
        private final HandOff<ByteBuffer> writer;
        /** The buffer being filled, or null. */
        private ByteBuffer stage;

        private DirectWrites(FileChannel channel, int align) {
            this.channel = channel;
            this.align = align;
            this.writer = new HandOff<>("safelight-write", STAGES,
                    () -> ByteBuffer.allocateDirect(STAGE + align).alignedSlice(align).limit(STAGE),
                    new HandOff.Work<>() {
                        private long position;

                        @Override
                        public void accept(ByteBuffer buffer, int length) throws IOException {
                            buffer.position(0).limit(length);
                            while (buffer.hasRemaining()) {
                                position += channel.write(buffer, position);
                            }
                        }
                    });
        }

        /** Opens {@code path} (just created, empty) for writes around the page cache, or null where refused. */
        static DirectWrites open(Path path) {
            FileChannel channel = null;
            try {
                long block = Files.getFileStore(path).getBlockSize();
                if (block <= 0 || block > STAGE || Long.bitCount(block) != 1) {
                    return null;
                }
                channel = FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
                return new DirectWrites(channel, (int) block);
            } catch (IOException | UnsupportedOperationException | OutOfMemoryError e) {
                // EINVAL on tmpfs, no O_DIRECT on this system, no direct memory left: the page cache it is
                closeQuietly(channel);
                return null;
            }
        }

        void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (stage == null) {
                    stage = writer.take().clear();
                }
                int n = Math.min(len, stage.remaining());
                stage.put(b, off, n);
                off += n;
                len -= n;
                if (!stage.hasRemaining()) {
                    writer.submit(stage, STAGE);
                    stage = null;
                }
            }
        }

        /**
         * Writes every whole block gathered so far, waits for the writing thread, and returns the
         * bytes after the last whole block, which are the caller's to write.
         */
        byte[] finish() throws IOException {
            byte[] tail = new byte[0];
            if (stage != null) {
                int gathered = stage.position();
                int whole = gathered - gathered % align;
                tail = new byte[gathered - whole];
                stage.get(whole, tail);
                if (whole > 0) {
                    writer.submit(stage, whole);
                }
                stage = null;
            }
            writer.finish();
            channel.close();
            return tail;
        }

        @Override
        public void close() {
            writer.close();
            closeQuietly(channel);
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // a channel we only wrote through: the buffered one reports what matters
                }
            }
        }
    }
}
