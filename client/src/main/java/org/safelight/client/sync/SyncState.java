package org.safelight.client.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.safelight.format.container.AtomicFile;

/**
 * {@code DIR/.safelight-sync}: the server a folder is synced from and the cursor of the last report
 * handled, {@code {"server": URL, "cursor": CURSOR}}. Written atomically (a temporary file in the
 * same folder, synced, then a rename), so a crash leaves the old state or the new one, never half of one.
 */
public record SyncState(String server, String cursor) {
    public static final String FILE = ".safelight-sync";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The folder's state; a fresh one (no cursor) when the file does not exist yet. */
    public static SyncState load(Path dir, String server) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return new SyncState(server, null);
        }
        JsonNode n;
        try {
            n = JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException("the sync state " + file + " cannot be read (" + e.getMessage()
                    + "); move it away to start from the oldest report again", e);
        }
        String cursor = n.path("cursor").isTextual() ? n.path("cursor").asText() : null;
        return new SyncState(n.path("server").asText(server), cursor);
    }

    public SyncState withCursor(String next) {
        return new SyncState(server, next);
    }

    public void save(Path dir) throws IOException {
        ObjectNode n = JSON.createObjectNode().put("server", server);
        if (cursor == null) {
            n.putNull("cursor");
        } else {
            n.put("cursor", cursor);
        }
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        AtomicFile.write(dir.resolve(FILE), out -> out.write(bytes));
    }
}
