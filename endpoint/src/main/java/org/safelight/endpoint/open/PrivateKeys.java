package org.safelight.endpoint.open;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.safelight.format.picsafe.StaticKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The institution's private keys for static-key reports: every PKCS#8 PEM file in a folder,
 * chosen by the {@code kid} of its public key ({@link StaticKeys#kid}), so an institution can
 * rotate keys and still open reports sealed for the old one. The folder is read again when a
 * report names a kid not seen yet, so a key added later is found without a restart. Thread-safe.
 */
public final class PrivateKeys {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateKeys.class);

    private final Path folder;
    private Map<String, PrivateKey> byKid = Map.of();

    /** @param folder the folder of keys, or null when none is configured */
    public PrivateKeys(Path folder) {
        this.folder = folder;
        if (folder != null) {
            reload();
        }
    }

    public synchronized Optional<PrivateKey> forKid(String kid) {
        if (!byKid.containsKey(kid) && folder != null) {
            reload();
        }
        return Optional.ofNullable(byKid.get(kid));
    }

    public synchronized int size() {
        return byKid.size();
    }

    private void reload() {
        Map<String, PrivateKey> keys = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    PrivateKey key = StaticKeys.readPrivateKey(file);
                    keys.put(StaticKeys.kid(StaticKeys.publicKeyOf(key)), key);
                } catch (IOException e) {
                    LOG.warn("{} is not a usable private key: {}", file.getFileName(), e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("the private keys folder {} cannot be read ({})", folder, e.getClass().getSimpleName());
            return;
        }
        byKid = Map.copyOf(keys);
    }
}
