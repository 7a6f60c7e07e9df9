package org.safelight.accounts.tokens;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DATA_DIR/signing-keys.json}, where versions before the keys moved into the database kept
 * them (a JWK set with private parts, the first key current). It is imported once, on the first
 * start on a database with no key, and then deleted: the private keys now live sealed under the
 * master key, and a plain copy left in the data folder would undo that (and ride along in every
 * backup of the folder). Nothing is lost by deleting it: an older version started again simply
 * makes a new key, and refresh tokens (in the database) get users new access tokens.
 */
final class LegacyKeyFile {
    static final String FILE_NAME = "signing-keys.json";
    private static final Logger LOG = LoggerFactory.getLogger(LegacyKeyFile.class);

    private LegacyKeyFile() {
    }

    /**
     * The file's keys, first the current one, or empty when there is no file.
     *
     * @throws IllegalStateException when the file is not a set of P-256 private keys with key ids
     */
    static Optional<List<ECKey>> read(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JWKSet set;
        try {
            set = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK set", e);
        }
        if (set.isEmpty()) {
            throw new IllegalStateException(file + " holds no keys");
        }
        List<ECKey> keys = new ArrayList<>();
        for (JWK k : set.getKeys()) {
            if (!(k instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve()) || !ec.isPrivate()
                    || k.getKeyID() == null || !k.getKeyID().equals(thumbprint(ec))) {
                // the database trusts a key only under its thumbprint (SigningKeys.reload)
                throw new IllegalStateException(file + " must hold only P-256 private keys whose key ids are"
                        + " their RFC 7638 thumbprints");
            }
            keys.add(ec);
        }
        return Optional.of(keys);
    }

    /**
     * Deletes the file once every key in it is in the database (after this instance's import, or a
     * crash between the import and the deletion); otherwise leaves it and says it is not used
     * (another instance's keys won the first start, or the database was set up without it).
     */
    static void removeIfImported(Path dataDir, Jdbi jdbi) {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return;
        }
        List<ECKey> keys;
        try {
            keys = read(dataDir).orElse(List.of());
        } catch (RuntimeException e) {
            LOG.warn("{} is not used (token signing keys live in the database) and could not be read", file);
            return;
        }
        long missing = keys.stream().filter(k -> jdbi.withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM signing_keys WHERE kid = :kid").bind("kid", k.getKeyID())
                .mapTo(Integer.class).one()) == 0).count();
        if (missing > 0) {
            LOG.warn("{} is not used: the database already holds the token signing keys; delete the file", file);
            return;
        }
        try {
            Files.delete(file);
            LOG.info("deleted {}: its token signing keys are in the database, sealed under the master key", file);
        } catch (IOException e) {
            LOG.warn("could not delete {} after importing it; delete it by hand", file);
        }
    }

    private static String thumbprint(ECKey key) {
        try {
            return key.computeThumbprint().toString();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
