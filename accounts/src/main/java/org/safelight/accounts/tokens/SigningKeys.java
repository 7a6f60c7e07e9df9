package org.safelight.accounts.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ES256 key pairs that sign user tokens, kept in {@code DATA_DIR/signing-keys.json} (a JWK
 * set with the private parts, mode 0600). The first key of the set signs; the others are still
 * published so that tokens they signed keep verifying until they expire. {@link #rotate()} puts a
 * new key in front; {@link #retire} drops an old one. Key ids are RFC 7638 thumbprints.
 * Thread-safe; changes are written atomically before they take effect.
 */
public final class SigningKeys {
    public static final String FILE_NAME = "signing-keys.json";
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path file;
    private final Clock clock;
    private volatile JWKSet keys;
    private volatile JWKSet publicKeys;

    private SigningKeys(Path file, Clock clock, JWKSet keys) {
        this.file = file;
        this.clock = clock;
        set(keys);
    }

    /**
     * Reads the keys from {@code dataDir}, or creates the first one there on a first start.
     *
     * @throws IllegalStateException when the file exists but is not a set of EC P-256 private keys
     */
    public static SigningKeys loadOrCreate(Path dataDir, Clock clock) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                warnIfReadableByOthers(file);
                JWKSet set = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
                check(set, file);
                return new SigningKeys(file, clock, set);
            }
            Files.createDirectories(dataDir);
            JWKSet set = new JWKSet(generate(clock));
            write(file, set);
            LOG.info("created a token signing key in {}", file);
            return new SigningKeys(file, clock, set);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK set", e);
        }
    }

    /** The key that signs new tokens. */
    public ECKey current() {
        return (ECKey) keys.getKeys().get(0);
    }

    /** The public halves of every key, newest first: what {@code /.well-known/jwks.json} shows. */
    public JWKSet publicKeys() {
        return publicKeys;
    }

    /** Adds a new signing key in front of the others; returns its key id. */
    public synchronized String rotate() {
        ECKey fresh = generate(clock);
        List<JWK> list = new ArrayList<>();
        list.add(fresh);
        list.addAll(keys.getKeys());
        JWKSet next = new JWKSet(list);
        persist(next);
        LOG.info("token signing key rotated; new key id {}", fresh.getKeyID());
        return fresh.getKeyID();
    }

    /**
     * Stops publishing an old key: tokens it signed stop verifying (wait out their 15 minutes).
     *
     * @throws IllegalArgumentException for the current key or an unknown id
     */
    public synchronized void retire(String keyId) {
        if (current().getKeyID().equals(keyId)) {
            throw new IllegalArgumentException("the current signing key cannot be retired; rotate first");
        }
        List<JWK> list = new ArrayList<>(keys.getKeys());
        if (!list.removeIf(k -> keyId.equals(k.getKeyID()))) {
            throw new IllegalArgumentException("no signing key with id " + keyId);
        }
        persist(new JWKSet(list));
    }

    private void persist(JWKSet next) {
        try {
            write(file, next);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        set(next);
    }

    private void set(JWKSet next) {
        this.keys = next;
        this.publicKeys = next.toPublicJWKSet();
    }

    private static ECKey generate(Clock clock) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).issueTime(Date.from(clock.instant())).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("the Java runtime cannot make P-256 keys", e);
        }
    }

    private static void check(JWKSet set, Path file) {
        if (set.isEmpty()) {
            throw new IllegalStateException(file + " holds no keys");
        }
        for (JWK k : set.getKeys()) {
            if (!(k instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve()) || !ec.isPrivate()
                    || k.getKeyID() == null) {
                throw new IllegalStateException(file + " must hold only P-256 private keys with key ids");
            }
        }
    }

    private static void write(Path file, JWKSet set) throws IOException {
        Path temporary = file.resolveSibling("." + FILE_NAME + ".tmp");
        Files.deleteIfExists(temporary);
        if (POSIX) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temporary);
        }
        // toString(false) keeps the private parts: this file is the only place they live.
        Files.writeString(temporary, set.toString(false), StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void warnIfReadableByOthers(Path file) throws IOException {
        if (!POSIX) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            LOG.warn("{} can be read by other users than its owner; it should be mode 0600", file);
        }
    }
}
