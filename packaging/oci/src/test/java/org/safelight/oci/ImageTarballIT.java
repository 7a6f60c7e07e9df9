package org.safelight.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the image tarball says about itself: how it runs, and what none of its layers may hold. */
class ImageTarballIT {
    @TempDir
    static Path scratch;

    static ImageTarball image;

    @BeforeAll
    static void unpack() throws Exception {
        image = ImageTarball.unpack(scratch);
    }

    @Test
    void the_image_runs_as_a_numeric_user_that_is_not_root() {
        String user = image.config.at("/config/User").asText();
        assertThat(user).matches("\\d+:\\d+");
        assertThat(user.split(":")[0]).isNotEqualTo("0");
        assertThat(user.split(":")[1]).isNotEqualTo("0");
    }

    @Test
    void the_entrypoint_runs_serve_from_the_cli_on_port_8080_of_every_interface_with_the_data_volume() {
        JsonNode c = image.config.get("config");
        assertThat(c.get("Entrypoint").get(0).asText()).isEqualTo("java");
        assertThat(c.get("Entrypoint").toString()).contains("org.safelight.cli.Main");
        assertThat(c.get("Cmd").toString()).isEqualTo("[\"serve\"]");
        assertThat(image.env()).contains("SAFELIGHT_HOST=0.0.0.0", "SAFELIGHT_PORT=8080",
                "SAFELIGHT_DATA_DIR=/var/lib/safelight");
        assertThat(c.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(c.get("Volumes").has("/var/lib/safelight")).isTrue();
        assertThat(c.get("WorkingDir").asText()).isEqualTo("/var/lib/safelight");
    }

    @Test
    void the_labels_name_the_version_the_source_and_the_revision() {
        JsonNode labels = image.config.at("/config/Labels");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isNotBlank().doesNotContain("${");
        assertThat(labels.path("org.opencontainers.image.source").asText()).startsWith("https://");
        assertThat(labels.path("org.opencontainers.image.revision").asText()).matches("[0-9a-f]{40}|unknown");
    }

    @Test
    void every_time_in_the_image_is_fixed_so_the_same_input_gives_the_same_image() throws Exception {
        assertThat(image.config.get("created").asText()).startsWith("1970-01-01T00:00:0");
        image.config.get("history").forEach(h -> assertThat(h.get("created").asText()).startsWith("1970-01-01"));
        for (Path layer : image.layers()) {
            String listing = ImageTarball.run(List.of("tar", "--warning=no-unknown-keyword", "-tvzf", layer.toString()));
            assertThat(listing.lines()).allMatch(line -> line.contains(" 1970-01-01 "), "dated 1970 in " + layer);
        }
    }

    @Test
    void no_layer_holds_a_master_key_a_signing_key_a_certificate_key_or_a_database() throws Exception {
        Pattern secret = Pattern.compile(
                ".*/(master\\.key|signing-keys\\.json|privkey\\.pem|[^/]*\\.db|[^/]*\\.db-wal|serve\\.lock|safelight\\.env)$");
        List<String> found = new ArrayList<>();
        for (ImageTarball.Entry e : image.allEntries()) {
            if (secret.matcher(e.path()).matches() || e.path().contains("/safelight-data/")) {
                found.add(e.path());
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void the_data_folder_is_empty_and_belongs_to_the_image_user_alone() throws Exception {
        String[] user = image.config.at("/config/User").asText().split(":");
        List<ImageTarball.Entry> data = image.allEntries().stream()
                .filter(e -> e.path().startsWith("/var/lib/safelight")).toList();
        assertThat(data).extracting(ImageTarball.Entry::path).containsOnly("/var/lib/safelight/");
        assertThat(data.get(0).mode()).isEqualTo("drwx------");
        assertThat(data.get(0).uid()).isEqualTo(Integer.parseInt(user[0]));
        assertThat(data.get(0).gid()).isEqualTo(Integer.parseInt(user[1]));
    }

    @Test
    void no_secret_is_set_in_the_image_environment() {
        assertThat(image.env()).noneMatch(e -> e.split("=", 2)[0].matches(".*(KEY|PASSWORD|TOKEN|SECRET|PIN|CREDENTIAL).*"));
    }

    @Test
    void the_image_user_is_named_in_the_passwd_file_with_the_data_folder_as_home() throws Exception {
        Path root = scratch.resolve("etc-only");
        java.nio.file.Files.createDirectories(root);
        ImageTarball.run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", image.layers().get(0).toString(),
                "-C", root.toString(), "./etc/passwd"));
        String uid = image.config.at("/config/User").asText().split(":")[0];
        assertThat(java.nio.file.Files.readAllLines(root.resolve("etc/passwd")))
                .anyMatch(l -> l.matches("safelight:x:" + uid + ":" + uid + ":[^:]*:/var/lib/safelight:/usr/sbin/nologin"));
    }
}
