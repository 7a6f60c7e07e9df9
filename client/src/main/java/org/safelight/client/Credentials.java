package org.safelight.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's sign-in, kept in {@code $XDG_CONFIG_HOME/safelight/credentials.json} (default
 * {@code ~/.config/safelight}), mode 0600, written atomically. {@link #toString()} hides the tokens.
 */
public record Credentials(String server, String email, String accessToken, Instant accessExpiresAt,
                          String refreshToken) {

    public static Path folder(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
        return base.resolve("safelight");
    }

    public static Optional<Credentials> load(Map<String, String> env) throws IOException {
        Path file = folder(env).resolve("credentials.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode n = ApiClient.JSON.readTree(file.toFile());
        return Optional.of(new Credentials(n.path("server").asText(), n.path("email").asText(),
                n.path("access_token").asText(), Instant.parse(n.path("access_expires_at").asText()),
                n.path("refresh_token").asText()));
    }

    public void save(Map<String, String> env) throws IOException {
        ObjectNode n = ApiClient.object().put("server", server).put("email", email).put("access_token", accessToken)
                .put("access_expires_at", accessExpiresAt.toString()).put("refresh_token", refreshToken);
        writePrivate(folder(env).resolve("credentials.json"),
                ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
    }

    /** Writes {@code file} whole or not at all, readable by this user only (0600), creating its folder. */
    static void writePrivate(Path file, byte[] bytes) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static boolean delete(Map<String, String> env) throws IOException {
        return Files.deleteIfExists(folder(env).resolve("credentials.json"));
    }

    @Override
    public String toString() {
        return "Credentials[server=" + server + ", email=" + email + "]";
    }
}
