package org.safelight.endpoint.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.safelight.endpoint.delivery.Answers;
import org.safelight.endpoint.delivery.Question;
import org.safelight.server.http.Json;

/**
 * The JSON of a {@link Question} (as kept sealed in the database and shown to admins: {@code kind,
 * reason, message, report, candidates, can_create}) and of a delivery's {@link Answers}. Pure.
 */
public final class Questions {
    private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> OBJECTS = new TypeReference<>() {
    };

    private Questions() {
    }

    /** The question as the institution API writes it. */
    public static Map<String, Object> map(Question q) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", q.kind());
        out.put("reason", q.reason());
        out.put("message", q.message());
        out.put("report", new LinkedHashMap<>(q.report()));
        out.put("candidates", q.candidates());
        out.put("can_create", q.canCreate());
        return out;
    }

    public static String json(Question q) {
        try {
            return Json.MAPPER.writeValueAsString(map(q));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a question could not be written as JSON", e);
        }
    }

    public static Question parse(String json) {
        try {
            JsonNode root = Json.MAPPER.readTree(json);
            Map<String, String> report = Json.MAPPER.convertValue(root.path("report"), STRINGS);
            List<Map<String, Object>> candidates = new ArrayList<>();
            for (JsonNode c : root.path("candidates")) {
                candidates.add(Json.MAPPER.convertValue(c, OBJECTS));
            }
            return new Question(root.path("kind").asText(), root.path("reason").asText(), root.path("message").asText(),
                    report == null ? Map.of() : report, candidates, root.path("can_create").asBoolean(false));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored question is not readable", e);
        }
    }

    /** The answers column: a JSON object of strings, or NULL for none. */
    public static Answers answers(String json) {
        if (json == null || json.isBlank()) {
            return Answers.NONE;
        }
        try {
            Map<String, String> values = Json.MAPPER.readValue(json, STRINGS);
            return new Answers(values == null ? Map.of() : values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a delivery's stored answers are not readable", e);
        }
    }

    public static String json(Answers answers) {
        try {
            return Json.MAPPER.writeValueAsString(new java.util.TreeMap<>(answers.values()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answers could not be written as JSON", e);
        }
    }
}
