package org.safelight.accounts.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.safelight.client.storage.StorageProvider;
import org.safelight.client.storage.StorageTokens;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyException;
import org.safelight.server.crypto.SealedColumn;
import org.safelight.server.crypto.SealedSecrets;

/**
 * The users' connections to storage services (table {@code storage_connections}): their tokens,
 * sealed under the master key with {@code storage:USER:SERVICE} as associated data. Thread-safe.
 */
public final class StorageConnections {
    /** The sealed tokens, for a master key rotation (sealed as {@code storage:USER:SERVICE}). */
    public static final SealedSecrets SEALED = new SealedColumn("storage tokens", "storage_connections",
            List.of("user_id", "provider"), "sealed_tokens", key -> "storage:" + key.get(0) + ":" + key.get(1));
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

    /**
     * The tokens as stored, with their sealed text: it changes with every save (a fresh nonce), so it
     * tells whether the row is still the one read.
     */
    public record Stored(StorageTokens tokens, String sealed) {
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** Keeps (or replaces) the user's tokens for the service. */
    public void save(String userId, StorageProvider provider, StorageTokens tokens) {
        String sealed = seal(userId, provider, tokens);
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO storage_connections"
                        + " (user_id, provider, sealed_tokens, connected_at, updated_at)"
                        + " VALUES (:user, :provider, :sealed, :now, :now)"
                        + " ON CONFLICT (user_id, provider) DO UPDATE SET sealed_tokens = :sealed, updated_at = :now")
                .bind("user", userId).bind("provider", provider.code()).bind("sealed", sealed).bind("now", now)
                .execute());
    }

    /**
     * Replaces the tokens only if the row still holds {@code old} (a conditional update: of two
     * refreshes at once, the one that read the older row does not overwrite the newer).
     *
     * @return the new row, or empty when the row had changed (or was gone)
     */
    public Optional<Stored> replace(String userId, StorageProvider provider, Stored old, StorageTokens fresh) {
        String sealed = seal(userId, provider, fresh);
        int n = jdbi.withHandle(h -> h.createUpdate("UPDATE storage_connections SET sealed_tokens = :sealed,"
                        + " updated_at = :now WHERE user_id = :user AND provider = :provider AND sealed_tokens = :old")
                .bind("user", userId).bind("provider", provider.code()).bind("sealed", sealed)
                .bind("now", clock.millis()).bind("old", old.sealed()).execute());
        return n == 1 ? Optional.of(new Stored(fresh, sealed)) : Optional.empty();
    }

    /** Forgets the connection only if the row still holds {@code old}: tokens stored since stay. */
    public boolean deleteIfUnchanged(String userId, StorageProvider provider, Stored old) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM storage_connections"
                        + " WHERE user_id = :user AND provider = :provider AND sealed_tokens = :old")
                .bind("user", userId).bind("provider", provider.code()).bind("old", old.sealed()).execute()) > 0;
    }

    private String seal(String userId, StorageProvider provider, StorageTokens tokens) {
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
        return sealed;
    }

    /**
     * The user's tokens for the service, or empty when not connected (or when the row does not open
     * under this master key: it cannot be used, so it counts as not connected).
     */
    public Optional<StorageTokens> tokens(String userId, StorageProvider provider) {
        return stored(userId, provider).map(Stored::tokens);
    }

    /** The tokens and the row's sealed text, or empty as for {@link #tokens}. */
    public Optional<Stored> stored(String userId, StorageProvider provider) {
        Optional<String> sealed = jdbi.withHandle(h -> h.createQuery("SELECT sealed_tokens FROM storage_connections"
                        + " WHERE user_id = :user AND provider = :provider")
                .bind("user", userId).bind("provider", provider.code()).mapTo(String.class).findOne());
        if (sealed.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode t = JSON.readTree(new String(masterKey.open(sealed.get(), context(userId, provider)),
                    StandardCharsets.UTF_8));
            return Optional.of(new Stored(new StorageTokens(t.path("access_token").asText(),
                    t.path("refresh_token").asText(), t.path("expires_at").asLong()), sealed.get()));
        } catch (MasterKeyException | IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Nothing while tokens can be sealed; for a caller about to use up what it cannot get back.
     *
     * @throws org.safelight.server.crypto.SealingRefusedException during a master key rotation
     */
    public void requireSealing() {
        masterKey.requireSealing();
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
