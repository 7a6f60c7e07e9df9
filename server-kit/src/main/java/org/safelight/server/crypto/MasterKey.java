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
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that secrets are stored under (report keys on a key server, received files on an
 * endpoint, users' storage tokens on the accounts role), kept outside the database so that a dump
 * of it alone opens nothing (DESIGN §5). Either 32 bytes from the environment variable {@value #ENV}
 * (base64) or {@code DATA_DIR/master.key} (base64 text, created on first use with mode 0600 and
 * refused when its mode lets anyone but the owner read or write it), or an AES key inside a PKCS#11
 * token ({@link Pkcs11MasterKey}), which never leaves it: every seal and open runs in the token.
 *
 * <p>{@link #seal} encrypts with AES-256-GCM, a random 12-byte nonce and the owner's ID (a report
 * ID, a user and service) as associated data, so a sealed secret copied onto another row does not
 * open. Sealed text is base64 of
 * {@code version(1)=2 | key id(8) | nonce(12) | ciphertext | tag(16)}, the key id telling which
 * master key sealed it ({@link #id}), so a rotation knows what it has done. Text of version 1
 * ({@code 1 | nonce | ciphertext | tag}, written before key ids) still opens under a file key.
 * Thread-safe; never prints the key.
 */
public final class MasterKey {
    public static final String ENV = "SAFELIGHT_MASTER_KEY";
    public static final String FILE_NAME = "master.key";

    /** Where a master key lives: its bytes in this process, or a handle to a key inside a token. */
    public enum Kind { FILE, PKCS11 }

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int ID_BYTES = 8;
    private static final byte LEGACY = 1;
    private static final byte VERSION = 2;
    /** Encrypted to name a key: a key check value that is none of the blocks GCM itself encrypts. */
    private static final byte[] ID_BLOCK = "safelight key id".getBytes(StandardCharsets.US_ASCII);
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** Spare ciphers kept for reuse: looking one up costs more than the AES-GCM work of a key. */
    private static final int SPARE_CIPHERS = 64;

    private final SecretKey key;
    /** The token's provider; null for a key in this process (the JDK's default AES-GCM). */
    private final Provider provider;
    private final Kind kind;
    private final byte[] id;
    private final SecureRandom random;
    // A pool rather than a ThreadLocal: with virtual threads, every request has a thread of its own.
    private final BlockingQueue<Cipher> spares = new ArrayBlockingQueue<>(SPARE_CIPHERS);
    /** Why {@link #seal} refuses (a rotation away from this key was seen); null while it seals. */
    private volatile String sealingRefused;

    private MasterKey(byte[] bytes, SecureRandom random) {
        this(new SecretKeySpec(bytes, "AES"), null, Kind.FILE, random);
        Arrays.fill(bytes, (byte) 0);
    }

    /** A key inside a token, used through its provider ({@link Pkcs11MasterKey}). */
    MasterKey(SecretKey key, Provider provider, Kind kind, SecureRandom random) {
        this.key = key;
        this.provider = provider;
        this.kind = kind;
        this.random = random;
        this.id = keyId(key, provider);
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

    /** Where this key lives. */
    public Kind kind() {
        return kind;
    }

    /**
     * Names this key without revealing it: 16 hex digits of AES(key, a fixed block), the same
     * wherever the key is (a file, the environment, a token it was imported into), written into
     * every value it seals.
     */
    public String id() {
        return HexFormat.of().formatHex(id);
    }

    /**
     * The {@link #id} of the key that sealed {@code sealed}; empty for text sealed before key ids
     * (by a file key) or text that is not sealed at all.
     */
    public static Optional<String> sealedBy(String sealed) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length < 1 + ID_BYTES + NONCE_BYTES + TAG_BITS / 8 || bytes[0] != VERSION) {
            return Optional.empty();
        }
        return Optional.of(HexFormat.of().formatHex(bytes, 1, 1 + ID_BYTES));
    }

    /**
     * Encrypts {@code plaintext} for its owner {@code aad} (a report ID, a user and service); base64 text.
     *
     * @throws SealingRefusedException once {@link #refuseSealing} was called (a rotation is under way)
     */
    public String seal(byte[] plaintext, String aad) {
        requireSealing();
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = borrow();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            spares.offer(cipher);
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(1 + ID_BYTES + NONCE_BYTES + sealed.length)
                    .put(VERSION).put(id).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("the master key could not seal a value: " + e.getMessage(), e);
        }
    }

    /**
     * From now on {@link #seal} throws a {@link SealingRefusedException} with {@code why}; {@link #open}
     * still works. One way: a server that saw a rotation away from its key must not seal under that
     * key again (it would be retired), so only a restart with the new key seals again.
     */
    public void refuseSealing(String why) {
        sealingRefused = java.util.Objects.requireNonNull(why, "why");
    }

    /**
     * Nothing, while this key seals: for a caller about to use up something it cannot get back (an
     * OAuth state, a single-use token) before it seals the result.
     *
     * @throws SealingRefusedException when {@link #seal} would refuse
     */
    public void requireSealing() {
        String refused = sealingRefused;
        if (refused != null) {
            throw new SealingRefusedException(refused);
        }
    }

    /** Why sealing is refused ({@link #refuseSealing}), if it is. */
    public Optional<String> sealingRefused() {
        return Optional.ofNullable(sealingRefused);
    }

    /**
     * Decrypts what {@link #seal} made for the same owner.
     *
     * @throws MasterKeyException when it was sealed under another master key, for another owner, or
     *     has been altered
     */
    public byte[] open(String sealed, String aad) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new MasterKeyException("the stored key of " + aad + " is not base64", e);
        }
        int offset;
        if (bytes.length >= 1 + ID_BYTES + NONCE_BYTES + TAG_BITS / 8 && bytes[0] == VERSION) {
            if (!Arrays.equals(bytes, 1, 1 + ID_BYTES, id, 0, ID_BYTES)) {
                throw new MasterKeyException("the stored key of " + aad + " was sealed under master key "
                        + HexFormat.of().formatHex(bytes, 1, 1 + ID_BYTES) + ", not under this one (" + id()
                        + "): start with the master key it was sealed under, or finish the master key rotation", null);
            }
            offset = 1 + ID_BYTES;
        } else if (bytes.length >= 1 + NONCE_BYTES + TAG_BITS / 8 && bytes[0] == LEGACY) {
            offset = 1;
        } else {
            throw new MasterKeyException("the stored key of " + aad + " is malformed", null);
        }
        try {
            Cipher cipher = borrow();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, offset, NONCE_BYTES));
            cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            int body = offset + NONCE_BYTES;
            byte[] opened = cipher.doFinal(bytes, body, bytes.length - body);
            // Only a cipher that finished cleanly goes back; init() resets everything else about it.
            spares.offer(cipher);
            return opened;
        } catch (AEADBadTagException e) {
            throw new MasterKeyException("the stored key of " + aad
                    + " does not open under this master key (another master key, or an altered row)", e);
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("the master key could not open a value: " + e.getMessage(), e);
        }
    }

    /**
     * A 32-byte key for one purpose, derived by HKDF-Expand (RFC 5869) with the master key as the
     * pseudorandom key (it already is 32 uniformly random bytes, so the extract step adds nothing):
     * {@code HMAC-SHA256(master, UTF-8(label) || 0x01)}. Different labels give unrelated keys; the
     * same label always the same key. The caller wipes the result when done. This is how purpose
     * keys were made before they were stored ({@link PurposeKeys}), which still uses it to keep their
     * values on an upgraded deployment.
     *
     * @throws MasterKeyException for a key in a token, whose bytes never leave it
     */
    public byte[] derive(String label) {
        if (kind != Kind.FILE) {
            throw new MasterKeyException("a master key in a PKCS#11 token derives no keys", null);
        }
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
        return "MasterKey[" + kind + " " + id() + "]";
    }

    /** A spare cipher, or a new one; the caller initialises it and offers it back when done. */
    private Cipher borrow() throws GeneralSecurityException {
        Cipher spare = spares.poll();
        if (spare != null) {
            return spare;
        }
        return provider == null ? Cipher.getInstance(TRANSFORMATION) : Cipher.getInstance(TRANSFORMATION, provider);
    }

    private static byte[] keyId(SecretKey key, Provider provider) {
        try {
            Cipher ecb = provider == null ? Cipher.getInstance("AES/ECB/NoPadding")
                    : Cipher.getInstance("AES/ECB/NoPadding", provider);
            ecb.init(Cipher.ENCRYPT_MODE, key);
            return Arrays.copyOf(ecb.doFinal(ID_BLOCK), ID_BYTES);
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("the master key cannot encrypt (" + e.getMessage()
                    + "): is it an AES key allowed to encrypt and decrypt?", e);
        }
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
