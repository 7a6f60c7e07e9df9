package org.safelight.client.storage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.safelight.client.storage.StorageApp;
import org.safelight.client.storage.StorageEndpoints;
import org.safelight.client.storage.StorageProvider;

/**
 * Dropbox as its API v2 documentation describes the parts the SDK calls: {@code /oauth2/authorize}
 * and {@code /oauth2/token} (PKCE, no app secret), RPC endpoints on the API host with a JSON body
 * ({@code /2/check/user}), content endpoints on the content host with the argument in the
 * {@code Dropbox-API-Arg} header ({@code /2/files/upload}, {@code /2/files/upload_session/start},
 * {@code append_v2} at the offset the session has, else 409 {@code incorrect_offset}, and
 * {@code finish}), and 401 {@code expired_access_token} for an expired bearer token. Files land in
 * the app folder, kept here by path. Hosts: {@code BASE/web}, {@code BASE/api}, {@code BASE/content}.
 */
public final class FakeDropbox extends FakeService {
    public static final String CLIENT_ID = "fake-dropbox-app-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> sessions = new ConcurrentHashMap<>();

    public FakeDropbox() {
        super(CLIENT_ID, null, false);
        start();
    }

    @Override
    public StorageProvider provider() {
        return StorageProvider.DROPBOX;
    }

    @Override
    public StorageEndpoints endpoints() {
        return new StorageEndpoints(base() + "/web/oauth2/authorize", base() + "/api", base() + "/content");
    }

    @Override
    public StorageApp app() {
        return new StorageApp(StorageProvider.DROPBOX, CLIENT_ID, null, endpoints());
    }

    /** The file at {@code path} in the app folder ("/R.picsafe"), or null. */
    public byte[] file(String path) {
        return files.get(path.toLowerCase(Locale.ROOT));
    }

    public int fileCount() {
        return files.size();
    }

    @Override
    protected void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/web/oauth2/authorize" -> authorize(ex);
            case "/api/oauth2/token" -> token(ex);
            case "/api/2/auth/token/revoke" -> authorized(ex, () -> {
                oauth.revoke(ex.getRequestHeaders().getFirst("Authorization").substring("Bearer ".length()));
                send(ex, 200, "null");
            });
            case "/api/2/check/user" -> authorized(ex, () -> {
                JsonNode arg = JSON.readTree(body(ex));
                send(ex, 200, "{\"result\":" + JSON.writeValueAsString(arg.path("query").asText("")) + "}");
            });
            case "/content/2/files/upload" -> authorized(ex, () -> {
                JsonNode arg = arg(ex);
                send(ex, 200, store(arg, body(ex)));
            });
            case "/content/2/files/upload_session/start" -> authorized(ex, () -> {
                String id = FakeOAuth.random();
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                buffer.write(body(ex));
                sessions.put(id, buffer);
                oauth.count("session_started");
                send(ex, 200, "{\"session_id\":\"" + id + "\"}");
            });
            case "/content/2/files/upload_session/append_v2" -> authorized(ex, () -> {
                ByteArrayOutputStream buffer = atOffset(ex, arg(ex).path("cursor"));
                if (buffer != null) {
                    buffer.write(body(ex));
                    oauth.count("session_appended");
                    send(ex, 200, "null");
                }
            });
            case "/content/2/files/upload_session/finish" -> authorized(ex, () -> {
                JsonNode arg = arg(ex);
                ByteArrayOutputStream buffer = atOffset(ex, arg.path("cursor"));
                if (buffer != null) {
                    buffer.write(body(ex));
                    sessions.remove(arg.path("cursor").path("session_id").asText());
                    oauth.count("session_finished");
                    send(ex, 200, store(arg.path("commit"), buffer.toByteArray()));
                }
            });
            default -> send(ex, 404, "{\"error\":\"not found\"}");
        }
    }

    private interface Call {
        void run() throws IOException;
    }

    /** Dropbox's answer to a missing, unknown or expired bearer token: 401 with an AuthError. */
    private void authorized(HttpExchange ex, Call call) throws IOException {
        String refusal = oauth.refusal(ex.getRequestHeaders().getFirst("Authorization"));
        if (refusal == null) {
            call.run();
            return;
        }
        oauth.count("unauthorized");
        String tag = refusal.equals("expired") ? "expired_access_token" : "invalid_access_token";
        send(ex, 401, "{\"error_summary\":\"" + tag + "/\",\"error\":{\".tag\":\"" + tag + "\"}}");
    }

    private static JsonNode arg(HttpExchange ex) throws IOException {
        String header = ex.getRequestHeaders().getFirst("Dropbox-API-Arg");
        return header == null ? JSON.createObjectNode() : JSON.readTree(header);
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        return ex.getRequestBody().readAllBytes();
    }

    /** The session's buffer when the cursor's offset is where it ends; else a 409 was sent. */
    private ByteArrayOutputStream atOffset(HttpExchange ex, JsonNode cursor) throws IOException {
        ByteArrayOutputStream buffer = sessions.get(cursor.path("session_id").asText());
        if (buffer == null) {
            send(ex, 409, "{\"error_summary\":\"lookup_failed/not_found/\",\"error\":{\".tag\":\"lookup_failed\","
                    + "\"lookup_failed\":{\".tag\":\"not_found\"}}}");
            return null;
        }
        if (cursor.path("offset").asLong(-1) != buffer.size()) {
            oauth.count("incorrect_offset");
            send(ex, 409, "{\"error_summary\":\"incorrect_offset/\",\"error\":{\".tag\":\"incorrect_offset\","
                    + "\"correct_offset\":" + buffer.size() + "}}");
            return null;
        }
        return buffer;
    }

    /** Keeps the file at the commit's path (renamed "name (1).ext" when taken and autorename). */
    private String store(JsonNode commit, byte[] content) throws IOException {
        String wanted = commit.path("path").asText();
        String path = wanted;
        for (int n = 1; files.containsKey(path.toLowerCase(Locale.ROOT)); n++) {
            if (!commit.path("autorename").asBoolean(false)) {
                return "{\"error\":\"conflict\"}";
            }
            int dot = wanted.lastIndexOf('.');
            path = dot < 0 ? wanted + " (" + n + ")" : wanted.substring(0, dot) + " (" + n + ")" + wanted.substring(dot);
        }
        files.put(path.toLowerCase(Locale.ROOT), content);
        oauth.count("uploaded");
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectNode meta = JSON.createObjectNode();
        meta.put(".tag", "file");
        meta.put("name", path.substring(path.lastIndexOf('/') + 1));
        meta.put("id", "id:" + FakeOAuth.random());
        meta.put("client_modified", now);
        meta.put("server_modified", now);
        meta.put("rev", HexFormat.of().formatHex(FakeOAuth.random().getBytes(), 0, 8));
        meta.put("size", content.length);
        meta.put("path_lower", path.toLowerCase(Locale.ROOT));
        meta.put("path_display", path);
        return JSON.writeValueAsString(meta);
    }
}
