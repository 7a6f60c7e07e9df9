package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.cryptonode.jncryptor.AES256JNCryptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.rncryptor.Header;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;

class EncryptDecryptCommandTest {
    @TempDir
    Path dir;

    private final byte[] data = new byte[200_000];

    EncryptDecryptCommandTest() {
        new Random(3).nextBytes(data);
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void a_file_encrypted_by_the_cli_is_opened_by_jncryptor_and_decrypted_back() throws Exception {
        file("plain.bin", data);
        Cli.Result enc = Cli.run("encrypt", "--password", "pässwörd", p("plain.bin"), p("sealed.bin"));
        assertThat(enc.exitCode()).as(enc.stderr()).isZero();
        byte[] sealed = Files.readAllBytes(dir.resolve("sealed.bin"));
        assertThat(new AES256JNCryptor().decryptData(sealed, "pässwörd".toCharArray())).isEqualTo(data);

        Cli.Result dec = Cli.run("decrypt", "--password", "pässwörd", p("sealed.bin"), p("back.bin"));
        assertThat(dec.exitCode()).as(dec.stderr()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("back.bin"))).isEqualTo(data);
    }

    @Test
    void standard_input_and_output_are_streams_with_a_dash() throws Exception {
        Cli.Result enc = Cli.runWithInput(data, "encrypt", "--password", "k", "-", "-");
        assertThat(enc.exitCode()).isZero();
        Cli.Result dec = Cli.runWithInput(enc.stdout(), "decrypt", "--password", "k", "-", "-");
        assertThat(dec.exitCode()).as(dec.stderr()).isZero();
        assertThat(dec.stdout()).isEqualTo(data);
    }

    @Test
    void the_password_can_come_from_a_file() throws Exception {
        file("plain.bin", data);
        Files.writeString(dir.resolve("key.txt"), "from-a-file\n");
        assertThat(Cli.run("encrypt", "--password-file", p("key.txt"), p("plain.bin"), p("s.bin")).exitCode()).isZero();
        assertThat(Cli.run("decrypt", "--password", "from-a-file", p("s.bin"), p("b.bin")).exitCode()).isZero();
    }

    @Test
    void a_wrong_password_exits_3_with_one_line_and_writes_nothing() throws Exception {
        // fixed salts and IV keep the wrong-password diagnosis (a padding check, wrong 1 time in 256) fixed
        file("sealed.bin", RNCryptor.encrypt(data, Secret.password("right"),
                Header.of(1, new byte[8], new byte[] {1, 1, 1, 1, 1, 1, 1, 1}, new byte[16])));
        Cli.Result r = Cli.run("decrypt", "--password", "wrong", p("sealed.bin"), p("out.bin"));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.errLines()).hasSize(1).first().asString().contains("wrong password");
        assertThat(dir.resolve("out.bin")).doesNotExist();
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void a_flipped_bit_exits_3_and_says_the_data_was_altered() throws Exception {
        file("plain.bin", data);
        Cli.run("encrypt", "--password", "right", p("plain.bin"), p("sealed.bin"));
        byte[] sealed = Files.readAllBytes(dir.resolve("sealed.bin"));
        sealed[1000] ^= 4;
        file("sealed.bin", sealed);
        Cli.Result r = Cli.run("decrypt", "--password", "right", p("sealed.bin"), "-");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.errLines()).hasSize(1).first().asString().contains("altered");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void truncated_and_foreign_data_exit_4_each_with_its_own_reason() throws Exception {
        file("plain.bin", data);
        Cli.run("encrypt", "--password", "k", p("plain.bin"), p("sealed.bin"));
        byte[] sealed = Files.readAllBytes(dir.resolve("sealed.bin"));
        file("cut.bin", Arrays.copyOf(sealed, sealed.length - 5));
        byte[] v2 = sealed.clone();
        v2[0] = 2;
        file("v2.bin", v2);
        byte[] opt = sealed.clone();
        opt[1] = 9;
        file("opt.bin", opt);

        assertFails(4, "cut off", "decrypt", "--password", "k", p("cut.bin"), p("o"));
        assertFails(4, "version byte 2", "decrypt", "--password", "k", p("v2.bin"), p("o"));
        assertFails(4, "options byte 9", "decrypt", "--password", "k", p("opt.bin"), p("o"));
    }

    @Test
    void usage_mistakes_exit_2_and_missing_files_exit_1() {
        assertThat(Cli.run("decrypt", p("x"), p("y")).exitCode()).isEqualTo(2);
        assertThat(Cli.run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(Cli.run().exitCode()).isEqualTo(2);
        assertFails(1, "no such file", "decrypt", "--password", "k", p("missing.bin"), p("o"));
    }

    @Test
    void every_command_has_help() {
        for (String cmd : new String[] {"encrypt", "decrypt", "seal", "open", "inspect"}) {
            Cli.Result r = Cli.run(cmd, "--help");
            assertThat(r.exitCode()).as(cmd).isZero();
            assertThat(r.out()).as(cmd).contains("Usage: safelight " + cmd);
        }
        assertThat(Cli.run("--help").out()).contains("encrypt", "decrypt", "seal", "open", "inspect");
    }

    private static void assertFails(int code, String message, String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(code);
        assertThat(r.errLines()).hasSize(1).first().asString().startsWith("safelight: ").contains(message);
    }
}
