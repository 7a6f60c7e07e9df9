package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealOpenCommandTest {
    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private Path sealedWithKeyServer() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        Cli.Result r = Cli.run("seal", p("draft"), "-o", p("report.picsafe"), "--password", "k3y",
                "--keyserver-url", "https://keys.example.org");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.out()).contains("Sealed report 000000042", "1 photo, 1 video");
        return dir.resolve("report.picsafe");
    }

    @Test
    void a_report_sealed_with_a_key_opens_with_that_key() throws IOException {
        sealedWithKeyServer();
        Cli.Result r = Cli.run("open", p("report.picsafe"), "-o", p("opened"), "--password", "k3y");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.out()).contains("Opened report 000000042", "1 photo, 1 video", "7 files");
        assertThat(dir.resolve("opened/report.pdf")).exists();
        assertThat(dir.resolve("opened/wound-thumbnail.jpg")).exists();
        assertThat(Files.readString(dir.resolve("opened/metadata.json"))).contains("\"reportid\" : \"000000042");
    }

    @Test
    void inspect_tells_where_the_key_is_without_one_and_prints_no_patient_data() throws IOException {
        sealedWithKeyServer();
        Cli.Result r = Cli.run("inspect", p("report.picsafe"));
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains(".picsafe report (encrypted)", "key server at https://keys.example.org",
                "RNCryptor v3, password mode", "package.encrypted");
        assertThat(r.out()).doesNotContain("Quill", "MRN-204817");
    }

    @Test
    void opening_without_a_key_or_a_sign_in_exits_2_and_names_the_key_server() throws IOException {
        sealedWithKeyServer();
        Cli.Result r = Cli.runWithEnv(java.util.Map.of("XDG_CONFIG_HOME", p("config")), "open", p("report.picsafe"),
                "-o", p("opened"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1).first().asString()
                .contains("https://keys.example.org", "safelight login", "--password");
        assertThat(dir.resolve("opened")).doesNotExist();
    }

    @Test
    void a_wrong_key_exits_3_and_writes_nothing() throws IOException {
        sealedWithKeyServer();
        Cli.Result r = Cli.run("open", p("report.picsafe"), "-o", p("opened"), "--password", "guess");
        assertThat(r.exitCode()).isEqualTo(3);
        // which of the two the diagnosis says is a padding check that a wrong key passes 1 time in 256
        assertThat(r.errLines()).hasSize(1).first().asString().containsPattern("wrong password|altered");
        assertThat(dir.resolve("opened")).doesNotExist();
    }

    @Test
    void a_static_key_report_opens_with_the_institutions_private_key() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        Path[] keys = Fixtures.institutionKeys(dir.resolve("keys"));
        Cli.Result seal = Cli.run("seal", p("draft"), "-o", p("out") + "/", "--static-key", keys[0].toString());
        assertThat(seal.exitCode()).as(seal.stderr()).isZero();
        Path file;
        try (var files = Files.list(dir.resolve("out"))) {
            file = files.findFirst().orElseThrow();
        }
        assertThat(file.getFileName().toString()).matches("000000042[0-9]{13}[A-Za-z0-9]{11}\\.picsafe");
        assertThat(Cli.run("inspect", file.toString()).out()).contains("static: RSA-OAEP-256");
        Cli.Result open = Cli.run("open", file.toString(), "-o", p("opened"), "--private-key", keys[1].toString());
        assertThat(open.exitCode()).as(open.stderr()).isZero();
        assertThat(dir.resolve("opened/wound.jpg")).exists();
    }

    @Test
    void a_plain_report_opens_without_a_key_and_inspect_warns_it_is_not_encrypted() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        assertThat(Cli.run("seal", p("draft"), "-o", p("plain.zip"), "--plain").exitCode()).isZero();
        assertThat(Cli.run("inspect", p("plain.zip")).out()).contains("not encrypted", "1 photo, 1 video",
                "signed (treatment)");
        assertThat(Cli.run("open", p("plain.zip"), "-o", p("opened")).exitCode()).isZero();
        assertThat(dir.resolve("opened/gait.m4v")).exists();
    }

    @Test
    void a_hostile_report_exits_4_and_writes_nothing_outside_or_inside() throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(dir.resolve("evil.zip")))) {
            zip.putNextEntry(new ZipEntry("metadata.json"));
            zip.write("{\"report\": {}}".getBytes());
            zip.putNextEntry(new ZipEntry("../../../tmp/evil.sh"));
            zip.write("rm -rf /".getBytes());
        }
        Cli.Result r = Cli.run("open", p("evil.zip"), "-o", p("opened"));
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.errLines()).hasSize(1).first().asString().contains("unsafe entry name");
        assertThat(dir.resolve("opened")).doesNotExist();
    }

    @Test
    void a_draft_with_problems_exits_4_naming_the_problem() throws IOException {
        Path draft = Fixtures.draft(dir.resolve("draft"));
        Files.delete(draft.resolve("consent.jpg"));
        Cli.Result r = Cli.run("seal", p("draft"), "-o", p("x.picsafe"), "--plain");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.errLines()).hasSize(1).first().asString().contains("consent.jpg");
        assertThat(dir.resolve("x.picsafe")).doesNotExist();
    }

    @Test
    void a_key_server_url_that_is_not_http_is_a_usage_error() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        Cli.Result r = Cli.run("seal", p("draft"), "-o", p("x.picsafe"), "--password", "k",
                "--keyserver-url", "ftp://keys");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1).first().asString().contains("http");
    }

    @Test
    void opening_into_a_folder_that_has_files_refuses_and_keeps_them() throws IOException {
        sealedWithKeyServer();
        Files.createDirectories(dir.resolve("busy"));
        Files.writeString(dir.resolve("busy/keep.txt"), "mine");
        Cli.Result r = Cli.run("open", p("report.picsafe"), "-o", p("busy"), "--password", "k3y");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1).first().asString().contains("not empty");
        assertThat(dir.resolve("busy/keep.txt")).hasContent("mine");
    }
}
