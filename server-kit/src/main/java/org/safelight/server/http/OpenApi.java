package org.safelight.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One OpenAPI document for the roles a process runs: each role's own document (its paths and
 * components) merged under a common header, so what is served describes exactly what answers.
 */
public final class OpenApi {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private OpenApi() {
    }

    /** Reads a role's document from the class path; fails loudly when it is missing (a packaging bug). */
    public static String resource(Class<?> owner, String path) {
        try (InputStream in = owner.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("OpenAPI document " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String merge(List<Role> roles) {
        return merge(roles, false);
    }

    /** With {@code GET /metrics} when the main port serves it ({@code --metrics-token}). */
    public static String merge(List<Role> roles, boolean metricsServed) {
        ObjectNode root = YAML.createObjectNode();
        root.put("openapi", "3.1.0");
        root.putObject("info").put("title", "Safelight").put("version", "1")
                .put("description", "The routes of the roles this server runs: "
                        + String.join(", ", roles.stream().map(Role::name).toList())
                        + ". Every error is JSON {\"error\": code, \"message\": text} with a code of the one"
                        + " catalogue, components.schemas.ErrorCode.");
        ObjectNode paths = root.putObject("paths");
        paths.putObject("/health").putObject("get").put("summary", "Liveness and the roles this server runs.")
                .putObject("responses").putObject("200").put("description", "{\"status\": \"ok\", \"roles\": [...]}");
        paths.putObject("/health/live").putObject("get").put("summary", "Liveness: the process answers.")
                .putObject("responses").putObject("200").put("description", "{\"status\": \"live\"}");
        ObjectNode ready = paths.putObject("/health/ready").putObject("get")
                .put("summary", "Readiness: the database answers, its migrations are done, every role's own checks"
                        + " pass (audit log, blob store, ...), and the server is not stopping. The checks run at most"
                        + " once every 5 s (one run at a time); meanwhile the last result is answered. Stopping shows"
                        + " at once.")
                .putObject("responses");
        ready.putObject("200").put("description", "{\"status\": \"ready\", \"checks\": {name: \"ok\"}}");
        ready.putObject("503").put("description", "{\"status\": \"not_ready\", \"checks\": {name: \"ok\" or a short"
                + " reason}}; while stopping also {\"shutdown\": \"the server is stopping\"}.");
        if (metricsServed) {
            ObjectNode metrics = paths.putObject("/metrics").putObject("get")
                    .put("summary", "Prometheus metrics (text format 0.0.4), to Authorization: Bearer <the metrics"
                            + " token>. (With --metrics-port instead, they are served on that port, on 127.0.0.1 unless"
                            + " --metrics-host says otherwise, and not here.)")
                    .putObject("responses");
            metrics.putObject("200").put("description", "The metrics in Prometheus' text format.");
            metrics.putObject("401").put("description", "No or the wrong metrics token (error unauthorized).");
        }
        paths.putObject("/openapi.yaml").putObject("get").put("summary", "This document.")
                .putObject("responses").putObject("200").put("description", "OpenAPI 3.1 in YAML.");
        ObjectNode components = YAML.createObjectNode();
        // The error catalogue first (ErrorCode), so that every role's document may refer to it.
        components.set("schemas", YAML.createObjectNode().setAll((ObjectNode) catalogue().path("components")
                .path("schemas")));
        for (Role role : roles) {
            String doc = role.openApi();
            if (doc == null) {
                continue;
            }
            JsonNode tree;
            try {
                tree = YAML.readTree(doc);
            } catch (IOException e) {
                throw new IllegalStateException("the " + role.name() + " role's OpenAPI document is not YAML", e);
            }
            copyFields(tree.path("paths"), paths);
            for (Map.Entry<String, JsonNode> section : tree.path("components").properties()) {
                ObjectNode target = components.has(section.getKey()) ? (ObjectNode) components.get(section.getKey())
                        : components.putObject(section.getKey());
                copyFields(section.getValue(), target);
            }
        }
        if (!components.isEmpty()) {
            root.set("components", components);
        }
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code openapi/errors.yaml}: the schemas {@code Error} and {@code ErrorCode}, listing {@link ErrorCode}. */
    public static JsonNode catalogue() {
        try {
            return YAML.readTree(resource(OpenApi.class, "/openapi/errors.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyFields(JsonNode from, ObjectNode to) {
        for (Map.Entry<String, JsonNode> e : from.properties()) {
            to.set(e.getKey(), e.getValue());
        }
    }
}
