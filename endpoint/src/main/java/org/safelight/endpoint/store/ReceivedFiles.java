package org.safelight.endpoint.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.safelight.format.container.AtomicFile;
import org.safelight.format.container.NonClosingOutputStream;
import org.safelight.format.rncryptor.EncryptingOutputStream;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.PurposeKeys;
import org.safelight.server.db.Database;

/**
 * The folder of received files ({@code DATA_DIR/endpoint/received}, mode 0700). A file is written
 * under a temporary name, synced, then renamed to its final name and the folder synced, so a name
 * that is there is a whole file. Sealed reports are kept as they came; plain ones are encrypted at
 * rest under the master key (RNCryptor v3 with raw purpose keys kept sealed under it, so opening
 * one verifies its HMAC before a byte is used). Thread-safe.
 */
public final class ReceivedFiles {
    /** How a stored file is kept: as received (a sealed report) or encrypted under the master key. */
    public enum AtRest { AS_RECEIVED, MASTER_KEY;

        public String column() {
            return this == AS_RECEIVED ? "as-received" : "master-key";
        }

        public static AtRest of(String column) {
            return "master-key".equals(column) ? MASTER_KEY : AS_RECEIVED;
        }
    }

    /** The purpose keys' labels (first derived from the master key with these, by HKDF-Expand). */
    public static final String ENCRYPTION_LABEL = "safelight endpoint received files: encryption";
    public static final String HMAC_LABEL = "safelight endpoint received files: hmac";

    private static final String PARTIAL = ".partial";
    /** Temporary files older than this are left by a crash, not by an intake under way. */
    private static final Duration STALE = Duration.ofHours(6);

    private final Path folder;
    private final Secret atRest;
    private final Clock clock;

    /**
     * With the at-rest keys kept in {@code db} sealed under {@code master} ({@link PurposeKeys}, so a
     * master key rotation leaves them, and the files, as they are).
     */
    public ReceivedFiles(Path folder, Database db, MasterKey master, Clock clock) throws IOException {
        this(folder, PurposeKeys.get(db, master, ENCRYPTION_LABEL), PurposeKeys.get(db, master, HMAC_LABEL), clock);
    }

    /** With the at-rest keys derived from a file master key, as before they were stored (tests). */
    public ReceivedFiles(Path folder, MasterKey master, Clock clock) throws IOException {
        this(folder, master.derive(ENCRYPTION_LABEL), master.derive(HMAC_LABEL), clock);
    }

    private ReceivedFiles(Path folder, byte[] encryption, byte[] hmac, Clock clock) throws IOException {
        this.folder = folder.toAbsolutePath();
        this.clock = clock;
        this.atRest = Secret.keys(encryption, hmac);
        Arrays.fill(encryption, (byte) 0);
        Arrays.fill(hmac, (byte) 0);
        Files.createDirectories(this.folder);
        try {
            Files.setPosixFilePermissions(this.folder, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // the folder's ACLs are the operator's
        }
    }

    public Path folder() {
        return folder;
    }

    /** A new temporary file in the folder, not yet synced; its name never collides with a stored one. */
    public Path newPartial() {
        return folder.resolve("." + UUID.randomUUID() + PARTIAL);
    }

    /**
     * An output stream writing {@code partial}, encrypting under the master key when asked. Closing it
     * finishes the encryption and syncs the file to disk.
     */
    public OutputStream write(Path partial, AtRest how) throws IOException {
        FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream raw = new NonClosingOutputStream(Channels.newOutputStream(channel));
        OutputStream body = how == AtRest.MASTER_KEY ? RNCryptor.encryptingStream(raw, atRest) : raw;
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                body.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                body.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try (channel) {
                    if (body instanceof EncryptingOutputStream encrypting) {
                        encrypting.finish();
                    }
                    body.flush();
                    channel.force(true);
                }
            }
        };
    }

    /** The bytes as received, from a stored (or partial) file; verified first when kept under the master key. */
    public InputStream read(Path file, AtRest how) throws IOException {
        return how == AtRest.MASTER_KEY ? RNCryptor.openVerified(file, atRest) : Files.newInputStream(file);
    }

    /** Renames a synced partial file to {@code name} and syncs the folder; replaces a file of that name. */
    public void keep(Path partial, String name) throws IOException {
        Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        AtomicFile.sync(folder);
    }

    public Path stored(String name) {
        return folder.resolve(name);
    }

    public void delete(String name) throws IOException {
        Files.deleteIfExists(folder.resolve(name));
    }

    /** Removes temporary files that a crash left behind (older than a few hours, so none under way). */
    public void removeStalePartials() throws IOException {
        long before = clock.millis() - STALE.toMillis();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "*" + PARTIAL)) {
            for (Path p : entries) {
                if (Files.getLastModifiedTime(p).toMillis() < before) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
