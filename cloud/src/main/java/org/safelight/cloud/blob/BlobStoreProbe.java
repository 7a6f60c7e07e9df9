package org.safelight.cloud.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import org.safelight.server.role.ReadinessCheck;

/**
 * The cloud role's readiness check {@code "blob-store"}: a tiny object is written, read back and
 * deleted, so a store that cannot take or give back a report (a folder turned read-only, S3 down or
 * refusing the credentials) makes the instance not ready. The object lives under
 * {@value #PREFIX}{@code <16 hex digits>}, fixed for this process: {@code ZZ} is no region (reports
 * are under country codes such as {@code AU} or {@code US}), so it can never be a report's name,
 * and each instance on a shared bucket probes its own. A check that fails midway leaves at most that
 * one object, which the next check replaces and deletes.
 *
 * <p>Readiness may be asked by anyone and often, so the store is probed at most once per
 * {@link #EVERY} (a flood of checks makes no more requests to S3), by one caller at a time; the
 * others answer the last outcome at once instead of waiting for it. Thread-safe.
 */
public final class BlobStoreProbe implements ReadinessCheck {
    /** Where probes are written: no region is {@code ZZ}. */
    public static final String PREFIX = "ZZ/readiness-probe-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String MISMATCH = "the blob store gave back other bytes than were just written to it";

    /** How often the store is actually probed. */
    public static final Duration EVERY = Duration.ofSeconds(30);

    private final BlobStore store;
    private final Path spool;
    private final String key;
    private final long everyNanos;
    private final AtomicBoolean probing = new AtomicBoolean();
    /** The last probe's outcome (null: passed) and when it ended; null before the first. */
    private volatile Outcome last;

    private record Outcome(IOException failure, long atNanos) {
    }

    /**
     * @param store the store itself, not seen through {@link HashedKeyBlobStore}
     * @param spool a private folder for the probe's file before it is put (the uploads' spool)
     */
    public BlobStoreProbe(BlobStore store, Path spool) {
        this(store, spool, EVERY);
    }

    /** Probing at most once per {@code every} (tests: {@link Duration#ZERO}, every check). */
    public BlobStoreProbe(BlobStore store, Path spool, Duration every) {
        this.store = store;
        this.spool = spool;
        this.key = PREFIX + HexFormat.of().formatHex(bytes(8));
        this.everyNanos = every.toNanos();
    }

    /** The probe's name in the store. */
    public String key() {
        return key;
    }

    /**
     * @throws IOException saying the store cannot be written and read back, with the failure's kind
     *     only (an S3 client's message names hosts and buckets, and this answer may be public)
     */
    @Override
    public void check() throws IOException {
        Outcome known = last;
        boolean due = known == null || System.nanoTime() - known.atNanos() >= everyNanos;
        if (due && probing.compareAndSet(false, true)) {
            try {
                known = new Outcome(probe(), System.nanoTime());
                last = known;
            } finally {
                probing.set(false);
            }
        } else if (known == null) {
            throw new IOException("the blob store is being checked for the first time");
        }
        if (known.failure() != null) {
            throw new IOException(known.failure().getMessage(), known.failure());
        }
    }

    /** Writes, reads back and deletes the probe; the failure, or null when it passed. */
    private IOException probe() {
        try {
            writeReadDelete();
            return null;
        } catch (IOException | RuntimeException e) {
            String kind = e.getClass().getSimpleName();
            return new IOException(e.getMessage() != null && e.getMessage().startsWith(MISMATCH) ? MISMATCH
                    : "the blob store cannot be written and read back (" + kind + ")", e);
        }
    }

    private void writeReadDelete() throws IOException {
        byte[] content = bytes(16);
        Path file = Files.createTempFile(spool, "probe-", ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(file, content);
            store.put(key, file);
            byte[] back;
            try (InputStream in = store.read(key, 0, content.length)) {
                back = in.readAllBytes();
            }
            if (!Arrays.equals(back, content)) {
                throw new IOException(MISMATCH);
            }
        } finally {
            Files.deleteIfExists(file);
            store.delete(key);
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
