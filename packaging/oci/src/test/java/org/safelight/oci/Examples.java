package org.safelight.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The deployment examples under packaging/examples, read as YAML. */
final class Examples {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Examples() {
    }

    static Path folder() {
        return Path.of(System.getProperty("safelight.examples", "../examples")).toAbsolutePath().normalize();
    }

    static JsonNode compose() throws IOException {
        return YAML.readTree(folder().resolve("compose.yaml").toFile());
    }

    /** Every Kubernetes manifest file's document (one each), kustomization.yaml left out. */
    static List<JsonNode> kubernetes() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder().resolve("kubernetes"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (!f.getFileName().toString().equals("kustomization.yaml")) {
                    docs.add(YAML.readTree(f.toFile()));
                }
            }
        }
        return docs;
    }

    static JsonNode kubernetes(String kind) throws IOException {
        return kubernetes().stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " among the Kubernetes examples"));
    }

    /** The HTTP paths the examples' health checks and probes ask: each must answer 200 on a healthy server. */
    static TreeSet<String> probePaths() throws IOException {
        TreeSet<String> paths = new TreeSet<>();
        JsonNode test = compose().at("/services/safelight/healthcheck/test");
        paths.add(test.get(test.size() - 1).asText());
        for (JsonNode c : kubernetes("Deployment").at("/spec/template/spec/containers")) {
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                paths.add(c.path(probe).at("/httpGet/path").asText());
            }
        }
        return paths;
    }
}
