package org.safelight.accounts.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.safelight.client.storage.StorageProvider;
import org.safelight.client.storage.StorageTokens;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyException;

/**
 * The users' connections to storage services (table {@code storage_connections}): their tokens,
 * sealed under the master key with {@code storage:USER:SERVICE} as associated data. Thread-safe.
 */
public final class StorageConnections {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final MasterKey masterKey;
    private final Clock clock;

    public StorageConnections(Jdbi jdbi, MasterKey masterKey, Clock clock) {
        this.jdbi = jdbi;
        this.masterKey = masterKey;
        this.clock = clock;
    }

    private static String context(String userId, StorageProvider provider) {
        return "storage:" + userId + ":" + provider.code();
    }

    /** Keeps (or replaces) the user's tokens for the service. */
    public void save(String userId, StorageProvider provider, StorageTokens tokens) {
        Map<String, Object> plain = new LinkedHashMap<>();
        plain.put("access_token", tokens.accessToken());
        plain.put("refresh_token", tokens.refreshToken());
        plain.put("expires_at", tokens.expiresAt());
        String sealed;
        try {
            sealed = masterKey.seal(JSON.writeValueAsBytes(plain), context(userId, provider));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO storage_connections"
                        + " (user_id, provider, sealed_tokens, connected_at, updated_at)"
                        + " VALUES (:user, :provider, :sealed, :now, :now)"
                        + " ON CONFLICT (user_id, provider) DO UPDATE SET sealed_tokens = :sealed, updated_at = :now")
                .bind("user", userId).bind("provider", provider.code()).bind("sealed", sealed).bind("now", now)
                .execute());
    }

    /**
     * The user's tokens for the service, or empty when not connected (or when the row does not open
     * under this master key: it cannot be used, so it counts as not connected).
     */
    public Optional<StorageTokens> tokens(String userId, StorageProvider provider) {
        Optional<String> sealed = jdbi.withHandle(h -> h.createQuery("SELECT sealed_tokens FROM storage_connections"
                        + " WHERE user_id = :user AND provider = :provider")
                .bind("user", userId).bind("provider", provider.code()).mapTo(String.class).findOne());
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode t = JSON.readTree(new String(masterKey.open(sealed.get(), context(userId, provider)),
                    StandardCharsets.UTF_8));
            return Optional.of(new StorageTokens(t.path("access_token").asText(), t.path("refresh_token").asText(),
                    t.path("expires_at").asLong()));
        } catch (MasterKeyException | IOException e) {
            return Optional.empty();
        }
    }

    /** The services the user has a row for. */
    public Set<StorageProvider> connected(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT provider FROM storage_connections WHERE user_id = :user")
                .bind("user", userId).mapTo(String.class).list()).stream()
                .flatMap(code -> StorageProvider.of(code).stream()).collect(Collectors.toSet());
    }

    /** @return whether there was a connection */
    public boolean delete(String userId, StorageProvider provider) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM storage_connections"
                        + " WHERE user_id = :user AND provider = :provider")
                .bind("user", userId).bind("provider", provider.code()).execute()) > 0;
    }
}
