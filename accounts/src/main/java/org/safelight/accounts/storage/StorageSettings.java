package org.safelight.accounts.storage;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.safelight.client.storage.StorageApp;
import org.safelight.client.storage.StorageProvider;

/**
 * Which storage services the operator registered Safelight with, and whether users may send the
 * plain (unsealed) report there. {@code largeFrom}: files of that size or more go up in upload
 * sessions. Immutable; {@link #toString()} shows no secret.
 */
public record StorageSettings(Map<StorageProvider, StorageApp> apps, boolean allowPlain, long largeFrom) {
    public static final long LARGE_FROM = 20L * 1024 * 1024;
    /** No service configured. */
    public static final StorageSettings NONE = new StorageSettings(Map.of(), false, LARGE_FROM);

    public StorageSettings {
        apps = apps.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(apps));
    }

    public Optional<StorageApp> app(StorageProvider provider) {
        return Optional.ofNullable(apps.get(provider));
    }

    public boolean any() {
        return !apps.isEmpty();
    }

    /** For the startup log: which services, at which addresses; never a secret. */
    public Map<String, String> describe(Path dataDir) {
        Map<String, String> d = new LinkedHashMap<>();
        for (StorageProvider p : StorageProvider.values()) {
            d.put("storage " + p.code(), app(p).map(a -> "client " + a.clientId() + (a.clientSecret() == null ? ""
                    : " with a secret") + (a.endpoints().equals(p.endpoints()) ? "" : " at " + a.endpoints().api()))
                    .orElse("off"));
        }
        d.put("storage plain reports", allowPlain ? "allowed" : "refused");
        return d;
    }
}
