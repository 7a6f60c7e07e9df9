package org.safelight.format.rncryptor;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
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
 * a helper thread writes {@value DirectWrites#STAGE}-byte aligned blocks straight to the disk while
 * the caller carries on. That saves a copy and, above all, the kernel's work of finding memory for a
 * file's worth of page cache and writing it back: on the benchmark's virtual machine a GiB written
 * through the cache and synced cost 0.7–1.2 s of system CPU, straight to the disk almost none. The
 * temporary file is then opened with {@code O_DIRECT} in that same one call (never a second time by
 * its name, which someone with write access to the folder could have swapped meanwhile). Where
 * {@code O_DIRECT} is refused (tmpfs before Linux 6.6, other systems) the file goes through the
 * page cache, and a helper thread asks the kernel to write back what has been written so far every
 * {@value #SYNC_STEP} bytes, so that the sync at the end does not wait for a whole file's writes.
 * {@link #write} from one thread at a time.
 */
final class PendingFile implements AutoCloseable {
    static final long SYNC_STEP = 64L << 20;
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
    private Path partial;
    private FileChannel channel;
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
        int align = durable && tryDirect ? DirectWrites.worksIn(folder) : 0;
        if (align > 0 && !openPartial(folder, true)) {
            align = 0; // created, then O_DIRECT refused after all: gone, and through the page cache under a new name
        }
        if (align == 0) {
            openPartial(folder, false);
        }
        try {
            this.direct = align > 0 ? new DirectWrites(channel, align) : null;
            if (durable && direct == null) {
                this.syncer = new Thread(this::syncWhenAsked, "safelight-writeback");
                syncer.setDaemon(true);
                syncer.start();
            } else {
                this.syncer = null;
            }
        } catch (RuntimeException | Error e) { // no thread could be started: nothing left behind
            channel.close();
            Files.deleteIfExists(partial);
            PENDING.remove(partial);
            throw e;
        }
    }

    /**
     * Creates and opens {@link #partial} under a fresh name, private to this user, in one call; with
     * {@code direct}, for writes around the page cache. False if the file was created but the
     * JDK then refused {@code O_DIRECT} on it: it is deleted again (it was ours: {@code CREATE_NEW}).
     */
    private boolean openPartial(Path folder, boolean direct) throws IOException {
        Path name = folder.resolve("." + target.getFileName() + "." + randomHex() + ".partial");
        registerForDeletionAtExit(name);
        try {
            this.channel = openPrivate(name, direct);
            this.partial = name;
            return true;
        } catch (UnsupportedOperationException e) {
            if (!direct) {
                PENDING.remove(name);
                throw e;
            }
            Files.deleteIfExists(name);
            PENDING.remove(name);
            return false;
        } catch (IOException | RuntimeException e) {
            PENDING.remove(name); // CREATE_NEW failed: the name is not ours, leave it alone
            throw e;
        }
    }

    /** Whether this file is written around the page cache: for tests. */
    boolean writesDirect() {
        return direct != null;
    }

    /** Closes the channel under the writing thread, whose next write then fails: for tests. */
    void breakDirectWritesForTest() throws IOException {
        channel.close();
    }

    private static FileChannel openPrivate(Path path, boolean direct) throws IOException {
        Set<OpenOption> options = new HashSet<>(List.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        if (direct) {
            options.add(ExtendedOpenOption.DIRECT);
        } else {
            options.add(StandardOpenOption.READ); // copyTo reads a scratch file back
        }
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return FileChannel.open(path, options, OWNER_ONLY);
        }
        return FileChannel.open(path, options); // not POSIX (Windows): private by the folder's ACL
    }

    /** 24 random hex digits, for a name no one can guess. */
    static String randomHex() {
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
            direct.finish(written);
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
}
