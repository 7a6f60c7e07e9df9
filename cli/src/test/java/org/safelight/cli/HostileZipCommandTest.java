package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;
import org.safelight.format.testing.HostileZips;
import org.safelight.format.testing.Zips;

/** A file built to read one way front to back and another by its central directory: exit 4, nothing written. */
class HostileZipCommandTest {
    @TempDir
    Path dir;
    private byte[] sealed;
    private byte[] plain;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @BeforeEach
    void seal() throws IOException {
        Fixtures.draft(dir.resolve("draft"));
        assertThat(Cli.run("seal", p("draft"), "-o", p("sealed.picsafe"), "--password", "k3y",
                "--keyserver-url", "https://keys.example.org").exitCode()).isZero();
        assertThat(Cli.run("seal", p("draft"), "-o", p("plain.zip"), "--plain").exitCode()).isZero();
        sealed = Files.readAllBytes(dir.resolve("sealed.picsafe"));
        plain = Files.readAllBytes(dir.resolve("plain.zip"));
    }

    private void exits4(byte[] hostile, String... command) throws IOException {
        Files.write(dir.resolve("hostile.picsafe"), hostile);
        String[] args = new String[command.length + 1];
        args[0] = command[0];
        args[1] = p("hostile.picsafe");
        System.arraycopy(command, 1, args, 2, command.length - 1);
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(4);
        assertThat(r.errLines()).hasSize(1);
        assertThat(dir.resolve("opened")).doesNotExist();
    }

    @Test
    void a_split_view_report_exits_4_in_open_and_inspect() throws IOException {
        byte[] hostile = HostileZips.splitView(sealed, plain);
        exits4(hostile, "open", "-o", p("opened"), "--password", "k3y");
        exits4(hostile, "inspect");
        exits4(HostileZips.splitView(plain, sealed), "open", "-o", p("opened"));
    }

    @Test
    void bytes_appended_or_hidden_before_the_directory_exit_4() throws IOException {
        exits4(HostileZips.appended(sealed, plain), "open", "-o", p("opened"), "--password", "k3y");
        exits4(HostileZips.gapBeforeDirectory(plain, "hidden".getBytes()), "open", "-o", p("opened"));
        exits4(HostileZips.gapAfterFirstEntry(plain, "hidden".getBytes()), "inspect");
    }

    @Test
    void entries_that_fight_over_one_path_on_disk_exit_4_not_1() throws IOException {
        exits4(Zips.create().add("metadata.json", "{}").add("a", "x").add("a/b", "y").bytes(), "open", "-o", p("opened"));
        exits4(Zips.create().add("metadata.json", "{}").add("a/b", "y").add("A", "x").bytes(), "open", "-o", p("opened"));
        exits4(Zips.create().add("metadata.json", "{}").add("\u5831".repeat(255), "x").bytes(), "open", "-o", p("opened"));
        byte[] inner = Zips.create().add("metadata.json", "{}").add("report.pdf", "%PDF").add("report.pdf/x", "y").bytes();
        byte[] sealedClash = Zips.create()
                .add("package.json", "{\"keyserver_url\":\"https://keys.example.org\",\"report_id\":\"clash\"}")
                .add("package.encrypted", RNCryptor.encrypt(inner, Secret.password("k3y"))).bytes();
        exits4(sealedClash, "open", "-o", p("opened"), "--password", "k3y");
    }

    @Test
    void an_entry_name_that_is_not_utf8_exits_4_not_1() throws IOException {
        exits4(HostileZips.withInvalidUtf8Name(sealed, "package.json"), "open", "-o", p("opened"), "--password", "k3y");
        exits4(HostileZips.withInvalidUtf8Name(plain, "metadata.json"), "inspect");
    }
}
