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
    void files_of_every_size_around_the_io_unit_round_trip_and_open_with_jncryptor() throws Exception {
        int mib = 1 << 20;
        for (int size : new int[] {0, 1, 15, 16, 17, mib - 1, mib, mib + 1, 3 * mib + 5}) {
            byte[] plain = Arrays.copyOf(data, size);
            new Random(size).nextBytes(plain);
            file("plain.bin", plain);
            assertThat(Cli.run("encrypt", "--password", "k", p("plain.bin"), p("sealed.bin")).exitCode()).isZero();
            byte[] sealed = Files.readAllBytes(dir.resolve("sealed.bin"));
            assertThat(new AES256JNCryptor().decryptData(sealed, "k".toCharArray())).as("%d bytes", size).isEqualTo(plain);
            assertThat(RNCryptor.decrypt(sealed, Secret.password("k"))).isEqualTo(plain);

            file("theirs.bin", new AES256JNCryptor().encryptData(plain, "k".toCharArray()));
            assertThat(Cli.run("decrypt", "--password", "k", p("theirs.bin"), p("back.bin")).exitCode()).isZero();
            assertThat(Files.readAllBytes(dir.resolve("back.bin"))).as("%d bytes", size).isEqualTo(plain);
        }
        assertThat(partialFiles()).isEmpty();
    }

    @Test
    void a_failed_decryption_leaves_the_existing_output_file_as_it_was_and_no_temporary_file() throws Exception {
        byte[] plain = new byte[3 * (1 << 20) + 100];
        new Random(5).nextBytes(plain);
        byte[] sealed = RNCryptor.encrypt(plain, Secret.password("right"));
        int headerLength = 34;
        byte[] firstByte = sealed.clone();
        firstByte[headerLength] ^= 1;
        byte[] lastByte = sealed.clone();
        lastByte[sealed.length - 33] ^= 1;
        byte[] hmacByte = sealed.clone();
        hmacByte[sealed.length - 1] ^= 1;
        file("first.bin", firstByte);
        file("last.bin", lastByte);
        file("hmac.bin", hmacByte);
        file("cutblock.bin", Arrays.copyOf(sealed, sealed.length - 16));
        file("cut.bin", Arrays.copyOf(sealed, sealed.length - 5));
        file("good.bin", sealed);
        byte[] before = "an earlier decryption".getBytes();

        String[][] cases = {
            // The last block's padding, which the diagnosis reads, is destroyed there: it reads as a wrong key.
            {"3", "altered", "first.bin", "right"}, {"3", "", "last.bin", "right"},
            {"3", "altered", "hmac.bin", "right"}, {"3", "", "cutblock.bin", "right"},
            {"4", "cut off", "cut.bin", "right"}, {"3", "wrong password", "good.bin", "wrong"}};
        for (String[] c : cases) {
            file("existing.bin", before);
            Cli.Result r = Cli.run("decrypt", "--password", c[3], p(c[2]), p("existing.bin"));
            assertThat(r.exitCode()).as(c[2] + ": " + r.stderr()).isEqualTo(Integer.parseInt(c[0]));
            assertThat(r.errLines()).as(c[2]).hasSize(1).first().asString().contains(c[1]);
            assertThat(Files.readAllBytes(dir.resolve("existing.bin"))).as(c[2]).isEqualTo(before);
            assertThat(Cli.run("decrypt", "--password", c[3], p(c[2]), p("new.bin")).exitCode()).isNotZero();
            assertThat(dir.resolve("new.bin")).as(c[2]).doesNotExist();
        }
        assertThat(partialFiles()).isEmpty();
    }

    private java.util.List<Path> partialFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList();
        }
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
