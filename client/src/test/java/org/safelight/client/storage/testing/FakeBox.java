package org.safelight.client.storage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.safelight.client.storage.StorageApp;
import org.safelight.client.storage.StorageEndpoints;
import org.safelight.client.storage.StorageProvider;

/**
 * Box as its API reference describes the parts the SDK calls: {@code /api/oauth2/authorize} and
 * {@code /oauth2/token} (confidential client: the secret with the code, the verifier checked, and the
 * refresh grant), {@code GET /2.0/folders/0/items}, {@code POST /2.0/folders} (409
 * {@code item_name_in_use} when taken), the multipart upload {@code POST /2.0/files/content} on the
 * upload host, the pre-upload check ({@code OPTIONS /2.0/files/content}), and chunked upload
 * sessions ({@code POST /2.0/files/upload_sessions}, {@code PUT}
 * parts with {@code Content-Range} at multiples of the part size and a SHA-1 {@code Digest}, then a
 * commit naming every part with the whole file's digest). An expired bearer token gets 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"}. API at {@code BASE/box/}, uploads at
 * {@code BASE/up/}.
 */
public final class FakeBox extends FakeService {
    public static final String CLIENT_ID = "fake-box-client-id";
    public static final String CLIENT_SECRET = "fake-box-client-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    /** The folders at the top: name to ID. */
    private final Map<String, String> folders = new ConcurrentHashMap<>();
    /** Files by "folderId/name". */
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private volatile long partSize = 1024;

    private record Session(String folderId, String name, long size, Map<Long, byte[]> parts) {
    }

    public FakeBox() {
        super(CLIENT_ID, CLIENT_SECRET, true);
        start();
    }

    @Override
    public StorageProvider provider() {
        return StorageProvider.BOX;
    }

    @Override
    public StorageEndpoints endpoints() {
        return new StorageEndpoints(base() + "/api/oauth2/authorize", base() + "/box/", base() + "/up/");
    }

    @Override
    public StorageApp app() {
        return new StorageApp(StorageProvider.BOX, CLIENT_ID, CLIENT_SECRET, endpoints());
    }

    /** The part size the next upload sessions are given (Box decides it; real ones are megabytes). */
    public void partSize(long bytes) {
        this.partSize = bytes;
    }

    /** The file named {@code name} in the top folder named {@code folder}, or null. */
    public byte[] file(String folder, String name) {
        String id = folders.get(folder);
        return id == null ? null : files.get(id + "/" + name);
    }

    public int folderCount() {
        return folders.size();
    }

    @Override
    protected void handle(HttpExchange ex) throws IOException {
        String raw = ex.getRequestURI().getPath();
        // The SDK asks for some collections with a trailing slash (".../items/"); Box takes both.
        String path = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        String method = ex.getRequestMethod();
        if (path.equals("/api/oauth2/authorize")) {
            authorize(ex);
        } else if (path.equals("/box/oauth2/token")) {
            token(ex);
        } else if (path.equals("/box/oauth2/revoke")) {
            revoke(ex);
        } else if (!authorized(ex)) {
            return;
        } else if (method.equals("GET") && path.equals("/box/2.0/folders/0/items")) {
            items(ex);
        } else if (method.equals("POST") && path.equals("/box/2.0/folders")) {
            createFolder(ex);
        } else if (method.equals("OPTIONS") && path.equals("/box/2.0/files/content")) {
            preflight(ex);
        } else if (method.equals("POST") && path.equals("/up/2.0/files/content")) {
            upload(ex);
        } else if (method.equals("POST") && path.equals("/up/2.0/files/upload_sessions")) {
            startSession(ex);
        } else if (method.equals("PUT") && path.startsWith("/up/2.0/files/upload_sessions/")) {
            part(ex, path.substring("/up/2.0/files/upload_sessions/".length()));
        } else if (method.equals("POST") && path.startsWith("/up/2.0/files/upload_sessions/")
                && path.endsWith("/commit")) {
            String id = path.substring("/up/2.0/files/upload_sessions/".length(), path.length() - "/commit".length());
            commit(ex, id);
        } else {
            error(ex, 404, "not_found", "Not Found");
        }
    }

    /** Box's revoke: the app's credentials and a token (access or refresh) in a form; both of the pair go. */
    private void revoke(HttpExchange ex) throws IOException {
        Map<String, String> f = FakeOAuth.form(new String(ex.getRequestBody().readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8));
        if (!ex.getRequestMethod().equals("POST") || !oauth.client(f) || f.get("token") == null) {
            send(ex, 400, "{\"error\":\"invalid_client\"}");
            return;
        }
        oauth.revoke(f.get("token"));
        ex.sendResponseHeaders(200, -1);
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        if (oauth.refusal(ex.getRequestHeaders().getFirst("Authorization")) == null) {
            return true;
        }
        oauth.count("unauthorized");
        ex.getResponseHeaders().set("WWW-Authenticate",
                "Bearer realm=\"Service\", error=\"invalid_token\", error_description=\"The access token provided is invalid.\"");
        ex.sendResponseHeaders(401, -1);
        return false;
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        send(ex, status, "{\"type\":\"error\",\"status\":" + status + ",\"code\":\"" + code + "\",\"message\":\""
                + message + "\",\"request_id\":\"" + FakeOAuth.random() + "\"}");
    }

    private void items(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        // Marker paging (usemarker=true) or offset paging: one page holds everything here.
        long offset = Long.parseLong(q.getOrDefault("offset", "0"));
        ObjectNode page = JSON.createObjectNode();
        ArrayNode entries = page.putArray("entries");
        folders.entrySet().stream().sorted(Map.Entry.comparingByKey()).skip(offset).forEach(e -> entries.addObject()
                .put("type", "folder").put("id", e.getValue()).put("name", e.getKey()).put("etag", "0"));
        page.put("limit", Long.parseLong(q.getOrDefault("limit", "100")));
        if (!"true".equals(q.get("usemarker"))) {
            page.put("total_count", folders.size()).put("offset", offset);
        }
        oauth.count("listed");
        send(ex, 200, JSON.writeValueAsString(page));
    }

    private void createFolder(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        String name = body.path("name").asText();
        if (!"0".equals(body.path("parent").path("id").asText()) || name.isEmpty()) {
            error(ex, 400, "bad_request", "Bad Request");
            return;
        }
        String id = String.valueOf(100000 + folders.size());
        if (folders.putIfAbsent(name, id) != null) {
            error(ex, 409, "item_name_in_use", "Item with the same name already exists");
            return;
        }
        oauth.count("folder_created");
        send(ex, 201, JSON.writeValueAsString(JSON.createObjectNode().put("type", "folder").put("id", id)
                .put("name", name).put("etag", "0")));
    }

    /** The pre-upload check the SDK makes before a session: would this name in this folder be taken? */
    private void preflight(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        String folderId = body.path("parent").path("id").asText();
        if (!folders.containsValue(folderId)) {
            error(ex, 404, "not_found", "Not Found");
        } else if (files.containsKey(folderId + "/" + body.path("name").asText())) {
            error(ex, 409, "item_name_in_use", "Item with the same name already exists");
        } else {
            oauth.count("preflight");
            send(ex, 200, "{\"upload_url\":\"" + base() + "/up/2.0/files/content\",\"upload_token\":null}");
        }
    }

    private void upload(HttpExchange ex) throws IOException {
        Map<String, byte[]> parts = Multipart.parse(ex);
        if (!parts.containsKey("attributes") || !parts.containsKey("file")) {
            error(ex, 400, "bad_request", "attributes and file are required");
            return;
        }
        JsonNode attributes = JSON.readTree(parts.get("attributes"));
        String folderId = attributes.path("parent").path("id").asText();
        stored(ex, folderId, attributes.path("name").asText(), parts.get("file"));
    }

    private void stored(HttpExchange ex, String folderId, String name, byte[] content) throws IOException {
        if (!folders.containsValue(folderId)) {
            error(ex, 404, "not_found", "Not Found");
            return;
        }
        if (files.putIfAbsent(folderId + "/" + name, content) != null) {
            error(ex, 409, "item_name_in_use", "Item with the same name already exists");
            return;
        }
        oauth.count("uploaded");
        ObjectNode answer = JSON.createObjectNode().put("total_count", 1);
        answer.putArray("entries").addObject().put("type", "file").put("id", FakeOAuth.random().replaceAll("\\W", ""))
                .put("name", name).put("size", content.length).put("etag", "0")
                .put("sha1", hex(sha1(content)));
        send(ex, 201, JSON.writeValueAsString(answer));
    }

    private void startSession(HttpExchange ex) throws IOException {
        JsonNode body = JSON.readTree(ex.getRequestBody());
        long size = body.path("file_size").asLong();
        String id = FakeOAuth.random().replaceAll("\\W", "");
        // The SDK uploads a session's parts on several threads at once, and the server answers each on its own.
        sessions.put(id, new Session(body.path("folder_id").asText(), body.path("file_name").asText(), size,
                new ConcurrentSkipListMap<>()));
        oauth.count("session_started");
        String at = base() + "/up/2.0/files/upload_sessions/" + id;
        ObjectNode answer = JSON.createObjectNode().put("type", "upload_session").put("id", id)
                .put("session_expires_at", Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString())
                .put("part_size", partSize).put("total_parts", (size + partSize - 1) / partSize)
                .put("num_parts_processed", 0);
        answer.putObject("session_endpoints").put("upload_part", at).put("commit", at + "/commit")
                .put("abort", at).put("list_parts", at + "/parts").put("status", at)
                .put("log_event", at + "/log");
        send(ex, 201, JSON.writeValueAsString(answer));
    }

    private void part(HttpExchange ex, String id) throws IOException {
        Session s = sessions.get(id);
        Matcher range = RANGE.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Content-Range")));
        byte[] bytes = ex.getRequestBody().readAllBytes();
        if (s == null) {
            error(ex, 404, "not_found", "Not Found");
            return;
        }
        if (!range.matches() || Long.parseLong(range.group(3)) != s.size()) {
            error(ex, 416, "range_not_satisfiable", "Bad Content-Range");
            return;
        }
        long from = Long.parseLong(range.group(1));
        long to = Long.parseLong(range.group(2));
        boolean last = to == s.size() - 1;
        if (from % partSize != 0 || to - from + 1 != bytes.length || (!last && bytes.length != partSize)) {
            error(ex, 416, "range_not_satisfiable", "Parts start at multiples of the part size");
            return;
        }
        String digest = "sha=" + Base64.getEncoder().encodeToString(sha1(bytes));
        if (!digest.equals(ex.getRequestHeaders().getFirst("Digest"))) {
            error(ex, 412, "sha1_mismatch", "The digest does not match");
            return;
        }
        s.parts().put(from, bytes);
        oauth.count("session_part");
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("part").put("part_id", Long.toHexString(0x10000000L + from).toUpperCase())
                .put("offset", from).put("size", bytes.length).put("sha1", hex(sha1(bytes)));
        send(ex, 200, JSON.writeValueAsString(answer));
    }

    private void commit(HttpExchange ex, String id) throws IOException {
        Session s = sessions.get(id);
        JsonNode body = JSON.readTree(ex.getRequestBody());
        if (s == null) {
            error(ex, 404, "not_found", "Not Found");
            return;
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (byte[] p : s.parts().values()) {
            whole.write(p);
        }
        byte[] content = whole.toByteArray();
        String digest = "sha=" + Base64.getEncoder().encodeToString(sha1(content));
        if (content.length != s.size() || body.path("parts").size() != s.parts().size()
                || !digest.equals(ex.getRequestHeaders().getFirst("Digest"))) {
            error(ex, 412, "sha1_mismatch", "The parts or the digest do not match the file");
            return;
        }
        sessions.remove(id);
        oauth.count("session_committed");
        stored(ex, s.folderId(), s.name(), content);
    }

    private static byte[] sha1(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** Just enough multipart/form-data for the SDK's upload: field name to bytes. */
    private static final class Multipart {
        static Map<String, byte[]> parse(HttpExchange ex) throws IOException {
            String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
            int at = type.indexOf("boundary=");
            Map<String, byte[]> out = new TreeMap<>();
            if (at < 0) {
                return out;
            }
            String boundary = type.substring(at + "boundary=".length()).replace("\"", "");
            byte[] body = ex.getRequestBody().readAllBytes();
            String text = new String(body, StandardCharsets.ISO_8859_1); // one char per byte
            String delimiter = "--" + boundary;
            int pos = text.indexOf(delimiter);
            while (pos >= 0) {
                int start = pos + delimiter.length();
                if (text.startsWith("--", start)) {
                    break;
                }
                int headersEnd = text.indexOf("\r\n\r\n", start);
                int next = text.indexOf("\r\n" + delimiter, headersEnd);
                if (headersEnd < 0 || next < 0) {
                    break;
                }
                Matcher name = Pattern.compile("name=\"([^\"]*)\"").matcher(text.substring(start, headersEnd));
                if (name.find()) {
                    out.put(name.group(1), text.substring(headersEnd + 4, next).getBytes(StandardCharsets.ISO_8859_1));
                }
                pos = next + 2;
            }
            return out;
        }
    }
}
