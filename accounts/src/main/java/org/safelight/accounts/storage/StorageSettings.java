package org.safelight.accounts.storage;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.safelight.client.storage.StorageApp;
import org.safelight.client.storage.StorageProvider;

/**
 * Which storage services the operator registered Safelight with, whether users may send the plain
 * (unsealed) report there, and the limits on uploads. Immutable; {@link #toString()} shows no secret.
 *
 * @param largeFrom      files of that size or more go up in upload sessions
 * @param maxUploadBytes the largest report the server passes on (spooled on its disk meanwhile)
 * @param uploadsPerHour uploads one user may make in any hour
 * @param spoolDir       where an upload waits while it goes on (under the data dir; null until the
 *                       wiring sets it, and then no upload is taken)
 */
public record StorageSettings(Map<StorageProvider, StorageApp> apps, boolean allowPlain, long largeFrom,
                              long maxUploadBytes, int uploadsPerHour, Path spoolDir) {
    public static final long LARGE_FROM = 20L * 1024 * 1024;
    /** 250 MB: what Box takes from a free account in one file, and far more than a report needs. */
    public static final long MAX_UPLOAD = 250L * 1000 * 1000;
    public static final int UPLOADS_PER_HOUR = 60;
    /** No service configured. */
    public static final StorageSettings NONE = new StorageSettings(Map.of(), false, LARGE_FROM);

    public StorageSettings {
        apps = apps.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(apps));
        if (maxUploadBytes < 1 || uploadsPerHour < 0) {
            throw new IllegalArgumentException("the upload size limit must be positive and the hourly count at least 0");
        }
    }

    /** With the standard limits, the spool directory still to be set. */
    public StorageSettings(Map<StorageProvider, StorageApp> apps, boolean allowPlain, long largeFrom) {
        this(apps, allowPlain, largeFrom, MAX_UPLOAD, UPLOADS_PER_HOUR, null);
    }

    public StorageSettings withSpoolDir(Path dir) {
        return new StorageSettings(apps, allowPlain, largeFrom, maxUploadBytes, uploadsPerHour, dir);
    }

    public StorageSettings withLimits(long maxBytes, int perHour) {
        return new StorageSettings(apps, allowPlain, largeFrom, maxBytes, perHour, spoolDir);
    }

    /** The request body limit of the upload route: the file only (it is the body). */
    public long requestLimit() {
        return maxUploadBytes;
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
        d.put("storage uploads", "at most " + maxUploadBytes + " bytes, " + uploadsPerHour + " an hour per user");
        return d;
    }
}
