package org.safelight.client.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The command line's connection to one service: {@code FOLDER/storage-box.json} or
 * {@code storage-dropbox.json} beside the sign-in's credentials, mode 0600, written whole or not at
 * all. It holds the app (client ID, where the service answers, the secret file's path, never the
 * secret) and the user's tokens.
 */
public final class StorageTokenFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a file holds. */
    public record Connection(StorageApp app, Path secretFile, StorageTokens tokens) {
    }

    private StorageTokenFile() {
    }

    public static Path path(Path folder, StorageProvider provider) {
        return folder.resolve("storage-" + provider.code() + ".json");
    }

    public static void save(Path folder, Connection c) throws IOException {
        ObjectNode n = JSON.createObjectNode().put("provider", c.app().provider().code())
                .put("client_id", c.app().clientId())
                .put("secret_file", c.secretFile() == null ? null : c.secretFile().toString())
                .put("authorize", c.app().endpoints().authorize()).put("api", c.app().endpoints().api())
                .put("upload", c.app().endpoints().upload())
                .put("access_token", c.tokens().accessToken()).put("refresh_token", c.tokens().refreshToken())
                .put("expires_at", c.tokens().expiresAt());
        Path file = path(folder, c.app().provider());
        Files.createDirectories(folder);
        Path tmp = Files.createTempFile(folder, "." + file.getFileName() + "-", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The connection, with the app's secret read from its file again; empty when never connected. */
    public static Optional<Connection> load(Path folder, StorageProvider provider) throws IOException {
        Path file = path(folder, provider);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode n = JSON.readTree(file.toFile());
        Path secretFile = n.path("secret_file").isTextual() ? Path.of(n.get("secret_file").asText()) : null;
        String secret = secretFile == null ? null : Files.readString(secretFile).strip();
        StorageApp app = new StorageApp(provider, n.path("client_id").asText(), secret, new StorageEndpoints(
                n.path("authorize").asText(), n.path("api").asText(), n.path("upload").asText()));
        return Optional.of(new Connection(app, secretFile, new StorageTokens(n.path("access_token").asText(),
                n.path("refresh_token").asText(), n.path("expires_at").asLong())));
    }
}
