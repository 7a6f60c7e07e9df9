package org.safelight.server.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that secrets are stored under (report keys on a key server, received files on an
 * endpoint, users' storage tokens on the accounts role), kept outside the database so that a dump
 * of it alone opens nothing (DESIGN §5). 32 bytes, from the environment variable {@value #ENV} (base64) when
 * set, else from {@code DATA_DIR/master.key} (base64 text), which is created on first use with mode
 * 0600 and refused when its mode lets anyone but the owner read or write it.
 *
 * <p>{@link #seal} encrypts with AES-256-GCM, a random 12-byte nonce and the owner's ID (a report
 * ID, a user and service) as associated data, so a sealed secret copied onto another row does not
 * open. Sealed text is base64 of
 * {@code version(1)=1 | nonce(12) | ciphertext | tag(16)}. Thread-safe; never prints the key.
 */
public final class MasterKey {
    public static final String ENV = "SAFELIGHT_MASTER_KEY";
    public static final String FILE_NAME = "master.key";

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte VERSION = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** Spare ciphers kept for reuse: looking one up costs more than the AES-GCM work of a key. */
    private static final int SPARE_CIPHERS = 64;

    private final SecretKeySpec key;
    private final SecureRandom random;
    // A pool rather than a ThreadLocal: with virtual threads, every request has a thread of its own.
    private final BlockingQueue<Cipher> spares = new ArrayBlockingQueue<>(SPARE_CIPHERS);

    private MasterKey(byte[] bytes, SecureRandom random) {
        this.key = new SecretKeySpec(bytes, "AES");
        this.random = random;
        Arrays.fill(bytes, (byte) 0);
    }

    /** From the process environment, else the data folder's file. */
    public static MasterKey load(Path dataDir) {
        return load(dataDir, System.getenv());
    }

    /**
     * From {@code env.get(ENV)} when set, else {@code dataDir/master.key}, created if missing.
     *
     * @throws MasterKeyException when the variable or the file is malformed, the file's mode is wider
     *     than 0600, or the file cannot be read or created
     */
    public static MasterKey load(Path dataDir, Map<String, String> env) {
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new MasterKey(decode(fromEnv, "the environment variable " + ENV), new SecureRandom());
        }
        return fromFile(dataDir.resolve(FILE_NAME));
    }

    /** The file's key, creating the file with a new random key (mode 0600) if it does not exist. */
    public static MasterKey fromFile(Path file) {
        try {
            return new MasterKey(read(file), new SecureRandom());
        } catch (NoSuchFileException missing) {
            create(file);
            try {
                return new MasterKey(read(file), new SecureRandom());
            } catch (IOException e) {
                throw new MasterKeyException("the master key file " + file + " cannot be read: " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new MasterKeyException("the master key file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Encrypts {@code plaintext} for the report {@code reportId}; base64 text. */
    public String seal(byte[] plaintext, String reportId) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = borrow();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(reportId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            spares.offer(cipher);
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(VERSION).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Decrypts what {@link #seal} made for the same report.
     *
     * @throws MasterKeyException when it was sealed under another master key, for another report,
     *     or has been altered
     */
    public byte[] open(String sealed, String reportId) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new MasterKeyException("the stored key of report " + reportId + " is not base64", e);
        }
        if (bytes.length < 1 + NONCE_BYTES + TAG_BITS / 8 || bytes[0] != VERSION) {
            throw new MasterKeyException("the stored key of report " + reportId + " is malformed", null);
        }
        try {
            Cipher cipher = borrow();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 1, NONCE_BYTES));
            cipher.updateAAD(reportId.getBytes(StandardCharsets.UTF_8));
            byte[] opened = cipher.doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES);
            // Only a cipher that finished cleanly goes back; init() resets everything else about it.
            spares.offer(cipher);
            return opened;
        } catch (AEADBadTagException e) {
            throw new MasterKeyException("the stored key of report " + reportId
                    + " does not open under this master key (another master key, or an altered row)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * A 32-byte key for one purpose, derived by HKDF-Expand (RFC 5869) with the master key as the
     * pseudorandom key (it already is 32 uniformly random bytes, so the extract step adds nothing):
     * {@code HMAC-SHA256(master, UTF-8(label) || 0x01)}. Different labels give unrelated keys; the
     * same label always the same key. The caller wipes the result when done.
     */
    public byte[] derive(String label) {
        byte[] raw = key.getEncoded();
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(raw, "HmacSHA256"));
            hmac.update(label.getBytes(StandardCharsets.UTF_8));
            hmac.update((byte) 1);
            return hmac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "MasterKey[hidden]";
    }

    /** A spare cipher, or a new one; the caller initialises it and offers it back when done. */
    private Cipher borrow() throws GeneralSecurityException {
        Cipher spare = spares.poll();
        return spare != null ? spare : Cipher.getInstance(TRANSFORMATION);
    }

    private static byte[] read(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> mode = posix.readAttributes().permissions();
            if (!OWNER_ONLY.containsAll(mode)) {
                throw new MasterKeyException("the master key file " + file + " has mode "
                        + PosixFilePermissions.toString(mode) + "; it must be readable by its owner only (chmod 600 "
                        + file + ")", null);
            }
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        return decode(text, "the master key file " + file);
    }

    private static void create(Path file) {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        byte[] text = (Base64.getEncoder().encodeToString(bytes) + "\n").getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(bytes, (byte) 0);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean posix = Files.getFileAttributeView(parent, PosixFileAttributeView.class) != null;
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                    : new FileAttribute<?>[0];
            // CREATE_NEW: never replace a key that reports are already sealed under.
            try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), attributes)) {
                channel.write(ByteBuffer.wrap(text));
                channel.force(true);
            }
        } catch (FileAlreadyExistsException raced) {
            // another process created it first; the caller reads theirs
        } catch (IOException e) {
            throw new MasterKeyException("the master key file " + file + " cannot be created: " + e.getMessage(), e);
        } finally {
            Arrays.fill(text, (byte) 0);
        }
    }

    private static byte[] decode(String text, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new MasterKeyException(source + " is not base64 text", null);
        }
        if (bytes.length != KEY_BYTES) {
            throw new MasterKeyException(source + " must hold " + KEY_BYTES + " bytes in base64, not "
                    + bytes.length, null);
        }
        return bytes;
    }
}
