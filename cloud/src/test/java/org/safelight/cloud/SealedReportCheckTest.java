package org.safelight.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.http.ApiException;

class SealedReportCheckTest {
    private static final long LIMIT = 64L << 20;

    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws Exception {
        return Files.write(Files.createTempFile(dir, "up", ".picsafe"), bytes);
    }

    private void refused(byte[] bytes, String code) {
        assertThatThrownBy(() -> SealedReportCheck.check(file(bytes), LIMIT))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(code);
                });
    }

    @Test
    void a_dynamic_key_report_passes_with_its_report_id() throws Exception {
        assertThat(SealedReportCheck.check(file(Zips.sealed("R-1")), LIMIT).reportId()).isEqualTo("R-1");
        assertThat(SealedReportCheck.check(file(Zips.sealed(null)), LIMIT).reportId()).isNull();
    }

    @Test
    void a_static_key_report_passes() throws Exception {
        byte[] json = "{\"static_key\":{\"alg\":\"RSA-OAEP-256\",\"kid\":\"k\",\"wrapped_key\":\"AAAA\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SealedReportCheck.check(file(Zips.zip("package.json", json, "package.encrypted",
                Zips.rncryptor(100))), LIMIT).hasStaticKey()).isTrue();
    }

    @Test
    void plain_reports_other_zips_and_garbage_are_not_sealed_reports() {
        refused(Zips.zip("metadata.json", "{}".getBytes(), "report.pdf", new byte[10]), "not_a_sealed_report");
        refused(Zips.zip("package.json", "{\"keyserver_url\":\"https://k\"}".getBytes(), "package.encrypted",
                Zips.rncryptor(10), "extra.txt", new byte[1]), "not_a_sealed_report");
        refused(Zips.zip("package.json", "{\"keyserver_url\":\"https://k\"}".getBytes(), "package.encrypted",
                "plain text, no RNCryptor".getBytes()), "not_a_sealed_report");
        refused(Zips.zip("package.json", "{}".getBytes(), "package.encrypted", Zips.rncryptor(10)),
                "not_a_sealed_report");
        refused(Zips.zip("package.json", "not json".getBytes(), "package.encrypted", Zips.rncryptor(10)),
                "not_a_sealed_report");
        refused("hello".getBytes(), "not_a_sealed_report");
        refused(new byte[0], "not_a_sealed_report");
    }

    @Test
    void hostile_zips_are_refused_as_unsafe() {
        refused(Zips.zip("../package.json", "{}".getBytes()), "unsafe_zip");
        refused(Zips.zip("/etc/passwd", new byte[1]), "unsafe_zip");
        // a bomb: 40 MiB of zeros in a few kilobytes
        refused(Zips.zip("package.json", "{\"keyserver_url\":\"https://k\"}".getBytes(), "package.encrypted",
                new byte[40 << 20]), "unsafe_zip");
        byte[] truncated = Zips.sealed("R");
        refused(java.util.Arrays.copyOf(truncated, truncated.length / 2), "unsafe_zip");
    }

    @Test
    void a_sealed_report_with_a_plain_report_appended_is_refused() {
        // Read front to back it is a sealed report; read by its index (the end of the file), as most
        // tools open a ZIP, it is a plain report. The cloud must not hold what either reading shows.
        byte[] sealed = Zips.sealed("R-1");
        byte[] plain = Zips.zip("metadata.json", "{\"report\":{}}".getBytes(), "report.pdf", new byte[10]);
        byte[] both = java.util.Arrays.copyOf(sealed, sealed.length + plain.length);
        System.arraycopy(plain, 0, both, sealed.length, plain.length);
        refused(both, "not_a_sealed_report");
    }
}
