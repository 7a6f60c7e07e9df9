package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP calls to a test server's cloud and accounts routes, as a client app would make them. */
final class CloudHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;

    CloudHttp(String url) {
        this.url = url;
    }

    /** A fresh user token, signed in with the password {@link TestUsers} gives {@code who}. */
    String token(String who, String email) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("email", email).put("password", "correct horse battery " + who)
                .toString();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/accounts/signin"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("sign-in failed: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    /** A token only the key server at {@code keyServerUrl} takes, for {@code userToken} (token exchange). */
    String keyServerToken(String userToken, String keyServerUrl) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/accounts/key-server-token"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + userToken)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("key_server", keyServerUrl)
                        .toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("token exchange failed: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    HttpResponse<String> upload(String token, byte[] body, String query) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/api/v1/cloud/reports" + query))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> download(String downloadUrl, String bearer, String range) throws IOException,
            InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(downloadUrl)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<Void> head(String downloadUrl, String bearer) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(downloadUrl))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.discarding());
    }

    HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : url + path)).GET();
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }
}
