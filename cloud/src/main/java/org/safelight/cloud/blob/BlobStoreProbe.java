package org.safelight.cloud.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.safelight.server.role.ReadinessCheck;

/**
 * The cloud role's readiness check {@code "blob-store"}: a tiny object is written, read back and
 * deleted, so a store that cannot take or give back a report (a folder turned read-only, S3 down or
 * refusing the credentials) makes the instance not ready. The object lives under
 * {@value #PREFIX}{@code <16 hex digits>}, fixed for this process: {@code ZZ} is no region (reports
 * are under country codes such as {@code AU} or {@code US}), so it can never be a report's name,
 * and each instance on a shared bucket probes its own. A check that fails midway leaves at most that
 * one object, which the next check replaces and deletes. Thread-safe (checks run one at a time).
 */
public final class BlobStoreProbe implements ReadinessCheck {
    /** Where probes are written: no region is {@code ZZ}. */
    public static final String PREFIX = "ZZ/readiness-probe-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String MISMATCH = "the blob store gave back other bytes than were just written to it";

    private final BlobStore store;
    private final Path spool;
    private final String key;

    /**
     * @param store the store itself, not seen through {@link HashedKeyBlobStore}
     * @param spool a private folder for the probe's file before it is put (the uploads' spool)
     */
    public BlobStoreProbe(BlobStore store, Path spool) {
        this.store = store;
        this.spool = spool;
        this.key = PREFIX + HexFormat.of().formatHex(bytes(8));
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
    public synchronized void check() throws IOException {
        try {
            writeReadDelete();
        } catch (IOException | RuntimeException e) {
            String kind = e.getClass().getSimpleName();
            throw new IOException(e.getMessage() != null && e.getMessage().startsWith(MISMATCH) ? MISMATCH
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
