package org.safelight.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compose file and the Kubernetes manifests: yamllint with the shipped rules, then what a
 * deployment relies on, checked in Java (there is no Compose plugin, kubectl or helm to ask here).
 * Their probe paths are asked of a running image by {@link ImageRunIT}.
 */
class ExamplesTest {
    @Test
    void yamllint_with_the_shipped_rules_finds_nothing_in_the_examples() throws Exception {
        boolean installed = Stream.of("/usr/bin/yamllint", "/usr/local/bin/yamllint").anyMatch(p -> Files.isExecutable(Path.of(p)));
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and yamllint is not installed (apt-get install yamllint)");
        }
        assumeTrue(installed, "yamllint is not installed (apt-get install yamllint): the examples' lint is skipped");
        Path folder = Examples.folder();
        Process lint = new ProcessBuilder("yamllint", "--strict", "-f", "parsable",
                "-c", folder.resolve(".yamllint.yaml").toString(), folder.toString()).redirectErrorStream(true).start();
        String out = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(lint.exitValue()).as(out).isZero();
    }

    @Test
    void the_compose_file_runs_the_image_on_postgresql_with_its_secrets_from_a_file_and_a_health_check() throws Exception {
        JsonNode services = Examples.compose().get("services");
        JsonNode safelight = services.get("safelight");
        assertThat(safelight.get("image").asText()).startsWith("safelight:");
        assertThat(safelight.at("/environment/SAFELIGHT_DATABASE_URL").asText()).startsWith("jdbc:postgresql://postgres:");
        assertThat(safelight.at("/depends_on/postgres/condition").asText()).isEqualTo("service_healthy");
        assertThat(safelight.get("env_file").toString()).contains("safelight.env");
        assertThat(safelight.get("volumes").get(0).asText()).endsWith(":/var/lib/safelight");
        assertThat(safelight.get("read_only").asBoolean()).isTrue();
        assertThat(safelight.get("tmpfs").toString()).contains("/tmp");
        assertThat(safelight.get("cap_drop").toString()).contains("ALL");
        assertThat(safelight.at("/healthcheck/test").toString()).contains("org.safelight.oci.HealthProbe", "/health/ready");
        assertThat(services.at("/postgres/image").asText()).contains("postgres:");
        assertThat(services.at("/postgres/healthcheck/test").toString()).contains("pg_isready");
        // no secret written into the file itself: the master key and passwords come from the env files
        assertThat(Files.readString(Examples.folder().resolve("compose.yaml")))
                .doesNotContainPattern("(?m)^\\s+(SAFELIGHT_MASTER_KEY|SAFELIGHT_DATABASE_PASSWORD|POSTGRES_PASSWORD):");
        assertThat(Examples.compose().get("volumes").has("safelight-data")).isTrue();
    }

    @Test
    void every_kubernetes_manifest_has_an_api_version_a_kind_and_a_name() throws Exception {
        List<String> kinds = new ArrayList<>();
        for (JsonNode doc : Examples.kubernetes()) {
            assertThat(doc.path("apiVersion").asText()).as(doc.toString()).matches("v1|apps/v1");
            assertThat(doc.at("/metadata/name").asText()).as(doc.toString()).matches("[a-z0-9-]+");
            kinds.add(doc.get("kind").asText());
        }
        assertThat(kinds).containsExactlyInAnyOrder("Deployment", "PersistentVolumeClaim", "Secret", "Service");
        JsonNode kustomization = Examples.YAML.readTree(Examples.folder().resolve("kubernetes/kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        kustomization.get("resources").forEach(r -> listed.add(r.asText()));
        assertThat(listed).containsExactlyInAnyOrder("deployment.yaml", "pvc.yaml", "secret.yaml", "service.yaml");
    }

    @Test
    void the_deployment_runs_locked_down_with_probes_resources_and_its_secret() throws Exception {
        JsonNode pod = Examples.kubernetes("Deployment").at("/spec/template/spec");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        JsonNode c = pod.get("containers").get(0);
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(c.at("/securityContext/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
        assertThat(c.at("/resources/requests/memory").asText()).isNotBlank();
        assertThat(c.at("/resources/limits/memory").asText()).isNotBlank();
        assertThat(c.at("/envFrom/0/secretRef/name").asText())
                .isEqualTo(Examples.kubernetes("Secret").at("/metadata/name").asText());
        assertThat(Examples.kubernetes("Secret").get("stringData").has("SAFELIGHT_MASTER_KEY")).isTrue();
        List<String> mounts = new ArrayList<>();
        c.get("volumeMounts").forEach(m -> mounts.add(m.get("mountPath").asText()));
        assertThat(mounts).containsExactlyInAnyOrder("/var/lib/safelight", "/tmp");
        assertThat(pod.at("/volumes").toString()).contains("emptyDir")
                .contains(Examples.kubernetes("PersistentVolumeClaim").at("/metadata/name").asText());
        String portName = c.at("/ports/0/name").asText();
        assertThat(c.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
        assertThat(Examples.kubernetes("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo(portName);
        assertThat(Examples.kubernetes("Service").at("/spec/selector"))
                .isEqualTo(Examples.kubernetes("Deployment").at("/spec/selector/matchLabels"));
    }
}
