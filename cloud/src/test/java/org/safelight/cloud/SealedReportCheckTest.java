package org.safelight.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.testing.HostileZips;
import org.safelight.server.http.Refusal;

class SealedReportCheckTest {
    private static final long LIMIT = 64L << 20;

    @TempDir
    Path dir;

    private Path file(byte[] bytes) throws Exception {
        return Files.write(Files.createTempFile(dir, "up", ".picsafe"), bytes);
    }

    private void refused(byte[] bytes, String code) {
        assertThatThrownBy(() -> SealedReportCheck.check(file(bytes), LIMIT))
                .isInstanceOfSatisfying(Refusal.class, e -> {
                    assertThat(e.errorCode().status()).isEqualTo(400);
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
        refused(HostileZips.appended(sealed, plain), "unsafe_zip");
        refused(HostileZips.appended(sealed, new byte[] {0}), "unsafe_zip");
    }

    @Test
    void a_split_view_of_two_sealed_reports_is_refused() throws Exception {
        // Front to back report A; by the central directory (the browser's reading) report B, another
        // sealed report with the same two names: a name comparison cannot tell them apart.
        byte[] hostile = HostileZips.splitView(Zips.sealed("R-A"), Zips.sealed("R-B"));
        try (java.util.zip.ZipFile index = new java.util.zip.ZipFile(file(hostile).toFile())) {
            assertThat(new String(index.getInputStream(index.getEntry("package.json")).readAllBytes())).contains("R-B");
        }
        refused(hostile, "unsafe_zip");
    }

    @Test
    void gaps_between_entries_or_before_the_directory_are_refused() {
        refused(HostileZips.gapBeforeDirectory(Zips.sealed("R-1"), "hidden".getBytes()), "unsafe_zip");
        refused(HostileZips.gapAfterFirstEntry(Zips.sealed("R-1"), "hidden".getBytes()), "unsafe_zip");
    }

    @Test
    void an_entry_name_that_is_not_utf8_is_an_unsafe_zip_not_a_server_error() {
        refused(HostileZips.withInvalidUtf8Name(Zips.sealed("R-1"), "package.json"), "unsafe_zip");
    }

    @Test
    void package_encrypted_must_be_a_whole_rncryptor_v3_password_message() {
        byte[] json = "{\"keyserver_url\":\"https://k\"}".getBytes(StandardCharsets.UTF_8);
        // two magic bytes and a plain report after them
        byte[] plain = Zips.zip("metadata.json", "{\"report\":{}}".getBytes(), "report.pdf", new byte[100]);
        byte[] fake = new byte[plain.length + 2];
        fake[0] = 3;
        fake[1] = 1;
        System.arraycopy(plain, 0, fake, 2, plain.length);
        if ((fake.length - 66) % 16 == 0) {
            fake = java.util.Arrays.copyOf(fake, fake.length + 1);
        }
        refused(Zips.zip("package.json", json, "package.encrypted", fake), "not_a_sealed_report");
        byte[] whole = Zips.rncryptor(64);
        for (byte[] wrong : new byte[][] {
            java.util.Arrays.copyOf(whole, whole.length - 1), // cut off
            java.util.Arrays.copyOf(whole, 34 + 32), // no ciphertext block
            java.util.Arrays.copyOf(whole, 40), // shorter than a header and an HMAC
        }) {
            refused(Zips.zip("package.json", json, "package.encrypted", wrong), "not_a_sealed_report");
        }
        byte[] keyMode = whole.clone();
        keyMode[1] = 0;
        refused(Zips.zip("package.json", json, "package.encrypted", keyMode), "not_a_sealed_report");
        byte[] version2 = whole.clone();
        version2[0] = 2;
        refused(Zips.zip("package.json", json, "package.encrypted", version2), "not_a_sealed_report");
    }
}
