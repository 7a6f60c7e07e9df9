package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One catalogue of error codes: every code the servers answer or the clients read is an
 * {@link ErrorCode}, and every {@link ErrorCode} is in the OpenAPI documents. Reads the sources of
 * every module of this repository (the main code of each, the web page's scripts).
 */
class ErrorCatalogueTest {
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final Set<String> CODES = new TreeSet<>(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
    private static final Path ROOT = root();

    @Test
    void each_code_is_unique_snake_case_with_an_error_status_and_a_one_line_meaning() {
        assertThat(CODES).hasSize(ErrorCode.values().length);
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.code()).matches(CODE.pattern()).isEqualTo(code.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(code.status()).as(code.code()).isBetween(400, 599);
            assertThat(code.meaning()).as(code.code()).isNotBlank().doesNotContain("\n");
            assertThat(ErrorCode.of(code.code())).contains(code);
        }
        assertThat(ErrorCode.of("http_431")).isEmpty();
    }

    @Test
    void the_served_documents_list_every_code_with_its_status_and_meaning() {
        JsonNode schema = OpenApi.catalogue().path("components").path("schemas").path("ErrorCode");
        List<String> listed = new ArrayList<>();
        schema.path("enum").forEach(n -> listed.add(n.asText()));
        assertThat(listed).containsExactlyElementsOf(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(schema.path("description").asText())
                    .contains("- " + code.code() + " (" + code.status() + "): " + code.meaning() + "\n");
        }
        JsonNode merged = yaml(OpenApi.merge(List.of()));
        assertThat(merged.at("/components/schemas/ErrorCode/enum")).hasSize(ErrorCode.values().length);
        assertThat(merged.at("/components/schemas/Error/properties/error/$ref").asText())
                .isEqualTo("#/components/schemas/ErrorCode");
    }

    @Test
    void every_code_the_main_code_answers_or_reads_is_in_the_catalogue() throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(ErrorCatalogueTest::isMainSource).toList()) {
                String source = Files.readString(file);
                Set<String> codes = file.toString().endsWith(".js") ? codesReadByScript(source) : codesInJava(source);
                if (!codes.isEmpty()) {
                    used.put(ROOT.relativize(file).toString(), codes);
                }
            }
        }
        assertThat(used).as("sources that answer or read error codes").isNotEmpty();
        assertThat(used.keySet()).anyMatch(f -> f.endsWith("keys.js")).anyMatch(f -> f.endsWith("LoginCommand.java"));
        used.forEach((file, codes) -> assertThat(CODES).as(file).containsAll(codes));
    }

    @Test
    void every_code_the_role_documents_name_for_a_refusal_is_in_the_catalogue() throws IOException {
        List<Path> documents;
        try (Stream<Path> files = Files.walk(ROOT)) {
            documents = files.filter(p -> p.toString().replace('\\', '/').matches(".*/src/main/resources/openapi/[^/]+\\.yaml"))
                    .filter(p -> !p.toString().contains("/target/")).toList();
        }
        assertThat(documents).hasSizeGreaterThanOrEqualTo(4);
        Pattern named = Pattern.compile("(?<![\\w./{-])([a-z]+(?:_[a-z0-9]+)+)(?![\\w/.}-])");
        for (Path document : documents) {
            JsonNode doc = yaml(Files.readString(document));
            Set<String> fields = new TreeSet<>();
            fieldNames(doc, fields);
            List<String> refusals = new ArrayList<>();
            refusalDescriptions(doc, refusals);
            for (String description : refusals) {
                Matcher m = named.matcher(description);
                while (m.find()) {
                    String word = m.group(1);
                    if (!fields.contains(word)) {
                        assertThat(CODES).as(document.getFileName() + ": " + description).contains(word);
                    }
                }
            }
        }
    }

    /** Codes in a server answer (a literal where a catalogue constant belongs) or compared with a refusal's code. */
    static Set<String> codesInJava(String source) {
        Set<String> codes = new TreeSet<>();
        literals(source, "new (?:ApiException|Refusal)\\(\\s*(?:\\d{3},\\s*)?\"([^\"]+)\"", codes);
        literals(source, "\\w*RefusedException\\(\\s*\"([^\"]+)\"", codes);
        literals(source, "\"([^\"]+)\"\\.equals\\([\\w.()]*\\.code\\(\\)\\)", codes);
        literals(source, "\\.code\\(\\)\\.equals\\(\"([^\"]+)\"\\)", codes);
        for (String block : blocksAfter(source, "switch \\([\\w.()]*\\.code\\(\\)\\)\\s*\\{")) {
            literals(block, "case \"([^\"]+)\"", codes);
        }
        Matcher sets = Pattern.compile("(\\w+)\\.contains\\([\\w.()]*\\.code\\(\\)\\)").matcher(source);
        while (sets.find()) {
            literals(sets.group(1) + " " + between(source, sets.group(1) + "\\s*=\\s*[\\w.]*Set\\.of\\(", ")"),
                    "\"([^\"]+)\"", codes);
        }
        return codes;
    }

    /** Codes the web page's scripts compare an answer's {@code error} (their {@code ApiError.code}) with. */
    static Set<String> codesReadByScript(String source) {
        Set<String> codes = new TreeSet<>();
        literals(source, "(?<!typeof )\\b[\\w$]+\\.(?:code|error)\\s*===?\\s*'([^']+)'", codes);
        for (String block : blocksAfter(source, "switch \\(\\w+\\.(?:code|error)\\)\\s*\\{")) {
            literals(block, "case '([^']+)'", codes);
        }
        return codes;
    }

    @Test
    void the_source_scan_finds_codes_in_the_forms_the_clients_use() {
        assertThat(codesInJava("""
                if ("unknown_report".equals(e.code())) {}
                String next = switch (e.code()) { case "invalid_credentials" -> "a"; default -> ""; };
                private static final Set<String> ENDED = java.util.Set.of("token_expired", "unauthorized");
                boolean ended = ENDED.contains(r.code());
                throw new IntakeRefusedException("too_big", "no");
                throw new RefusedException(403, "client_side_reason", "made by the client itself");
                """)).containsExactlyInAnyOrder("unknown_report", "invalid_credentials", "token_expired", "unauthorized",
                "too_big");
        assertThat(codesReadByScript("""
                if (err.code === 'weak_password') x();
                const code = typeof body.error === 'string' ? body.error : 'http_500';
                switch (e.code) {
                  case 'report_revoked': break;
                }
                """)).containsExactlyInAnyOrder("weak_password", "report_revoked");
    }

    private static boolean isMainSource(Path p) {
        String s = p.toString().replace('\\', '/');
        if (s.contains("/target/") || s.contains("/vendor/") || s.contains("/.git/")) {
            return false;
        }
        return (s.matches(".*/src/main/java/.*\\.java")) || s.matches(".*/src/main/resources/.*/static/.*\\.js");
    }

    private static void literals(String text, String regex, Set<String> into) {
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    /** The text of each brace-balanced block opened by {@code opener}. */
    private static List<String> blocksAfter(String source, String opener) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile(opener).matcher(source);
        while (m.find()) {
            int depth = 1;
            int i = m.end();
            for (; i < source.length() && depth > 0; i++) {
                char c = source.charAt(i);
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            }
            blocks.add(source.substring(m.end(), i));
        }
        return blocks;
    }

    private static String between(String source, String startRegex, String end) {
        Matcher m = Pattern.compile(startRegex).matcher(source);
        if (!m.find()) {
            return "";
        }
        int close = source.indexOf(end, m.end());
        return close < 0 ? "" : source.substring(m.end(), close);
    }

    private static void fieldNames(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                into.add(e.getKey());
                if (e.getKey().equals("name") && e.getValue().isTextual()) {
                    into.add(e.getValue().asText());
                }
                fieldNames(e.getValue(), into);
            });
        } else if (node.isArray()) {
            node.forEach(child -> fieldNames(child, into));
        }
    }

    /** The descriptions of 4xx and 5xx answers, and of the shared responses they refer to. */
    private static void refusalDescriptions(JsonNode node, List<String> into) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().matches("[45]\\d\\d") && e.getValue().has("description")) {
                    into.add(e.getValue().get("description").asText());
                }
                refusalDescriptions(e.getValue(), into);
            });
        } else if (node.isArray()) {
            node.forEach(child -> refusalDescriptions(child, into));
        }
    }

    private static JsonNode yaml(String text) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the repository");
        }
        return dir;
    }
}
