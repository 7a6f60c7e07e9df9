package org.safelight.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.dicom.DicomSettings;
import picocli.CommandLine;

/** The DICOM destination's flags, as {@code serve} reads them into the endpoint's settings. */
class EndpointDicomOptionsTest {
    @TempDir
    Path dir;

    @CommandLine.Command(name = "serve")
    static final class Serve {
    }

    private static EndpointOptions parse(String... args) {
        EndpointOptions options = new EndpointOptions();
        new CommandLine(new Serve()).addMixin("endpoint", options).parseArgs(args);
        return options;
    }

    @Test
    void the_three_flags_make_the_dicom_settings_and_the_startup_log_masks_the_password() throws Exception {
        Path password = Files.writeString(dir.resolve("pacs-password"), "pacs-secret\n");
        EndpointSettings settings = parse("--endpoint-dicom-url", "https://pacs.hospital.example/dicom-web",
                "--endpoint-dicom-user", "safelight", "--endpoint-dicom-password-file", password.toString())
                .settings(Map.of());
        assertThat(settings.dicom()).contains(new DicomSettings(URI.create("https://pacs.hospital.example/dicom-web"),
                "safelight", password));
        String described = new EndpointWiring(settings).describe().get("endpoint-dicom");
        assertThat(described).contains("https://pacs.hospital.example/dicom-web", "safelight").doesNotContain("pacs-secret");
        assertThat(settings.toString()).doesNotContain("pacs-secret");
        assertThat(settings.withRetryLimit(3).dicom()).isEqualTo(settings.dicom());
    }

    @Test
    void without_the_flags_there_is_no_dicom_destination_and_a_url_alone_is_refused_naming_the_flags() {
        assertThat(parse().settings(Map.of()).dicom()).isEmpty();
        assertThat(EndpointSettings.defaults().dicom()).isEmpty();
        assertThatThrownBy(() -> parse("--endpoint-dicom-url", "https://pacs.hospital.example/dicom-web").settings(Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--endpoint-dicom-user");
    }
}
