package org.safelight.cloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.server.http.Json;
import org.safelight.server.http.ServiceCredential;

/**
 * Records uploads with an accounts role in another process: {@code POST
 * {accounts-url}/api/v1/accounts/me/reports} with the service credential both were given (it proves
 * the cloud role calls; a user alone cannot write the log) and the sender's own bearer token (so
 * accounts takes who sent it from nothing but the token). Thread-safe.
 */
public final class HttpUploadRecorder implements UploadRecorder {
    private final URI endpoint;
    private final HttpClient http;
    private final ServiceCredential credential;

    /** @param credential the secret the accounts role was given for the cloud role; it must be configured */
    public HttpUploadRecorder(URI accountsUrl, ServiceCredential credential, HttpClient http) {
        if (!credential.configured()) {
            throw new IllegalArgumentException("a cloud role apart from accounts needs a service credential");
        }
        this.credential = credential;
        String base = accountsUrl.toString().replaceAll("/+$", "");
        this.endpoint = URI.create(base + "/api/v1/accounts/me/reports");
        this.http = http;
    }

    @Override
    public String record(Upload upload, String uploaderToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("report_id", upload.reportId());
        body.put("region", upload.region().name());
        body.put("link", upload.link());
        body.put("download_url", upload.downloadUrl());
        body.put("size", upload.size());
        body.put("expires_at", upload.expiresAt().toString());
        if (upload.keyServerUrl() != null && !upload.keyServerUrl().isEmpty()) {
            body.put("keyserver_url", upload.keyServerUrl());
        }
        HttpResponse<String> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(20))
                    .header(ServiceCredential.HEADER, credential.secret())
                    .header("Authorization", "Bearer " + uploaderToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body))).build();
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UploadRecordingException("the accounts server could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UploadRecordingException("interrupted while recording the upload", e);
        }
        if (response.statusCode() == 403 && response.body().contains("\"email_unverified\"")) {
            throw new SenderNotConfirmedException();
        }
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw new UploadRecordingException("the accounts server answered " + response.statusCode(), null);
        }
        try {
            return Json.MAPPER.readTree(response.body()).path("enterprise_id").asText("");
        } catch (IOException e) {
            throw new UploadRecordingException("the accounts server's answer was not JSON", e);
        }
    }
}
