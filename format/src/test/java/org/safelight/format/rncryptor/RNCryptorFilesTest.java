package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.cryptonode.jncryptor.AES256JNCryptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The two-thread file paths give the same bytes and the same refusals as {@link RNCryptor}'s streams. */
class RNCryptorFilesTest {
    private static final int BLOCK = RNCryptorFiles.BLOCK;
    private static final int WARM_UP = (int) RNCryptorFiles.WARM_UP_BYTES;
    private static final Secret RIGHT = Secret.password("correct horse");
    private static final Secret WRONG = Secret.password("battery staple");
    private static final byte[] OLD_CONTENT = "what was there before".getBytes();

    @TempDir
    Path dir;

    static IntStream sizes() {
        return IntStream.of(0, 1, 15, 16, 17, RNCryptor.CHUNK - 1, RNCryptor.CHUNK + 1, BLOCK - 1, BLOCK, BLOCK + 1,
                BLOCK - 40, 3 * BLOCK + 5, WARM_UP - 1, WARM_UP + 17);
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizes")
    void a_file_encrypted_here_decrypts_here_and_with_the_stream_code_and_jncryptor(int size) throws Exception {
        byte[] plain = data(size);
        Path sealed = dir.resolve("sealed.bin");
        RNCryptorFiles.encrypt(new ByteArrayInputStream(plain), sealed, RIGHT);

        Path back = dir.resolve("back.bin");
        RNCryptorFiles.decrypt(sealed, back, RIGHT);
        assertThat(Files.readAllBytes(back)).isEqualTo(plain);
        try (InputStream in = RNCryptor.openVerified(sealed, RIGHT)) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        assertThat(new AES256JNCryptor().decryptData(Files.readAllBytes(sealed), "correct horse".toCharArray()))
                .isEqualTo(plain);
        assertThat(leftovers()).isEmpty();
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizes")
    void what_the_stream_code_and_jncryptor_seal_decrypts_here(int size) throws Exception {
        byte[] plain = data(size);
        Path ours = write("ours.bin", RNCryptor.encrypt(plain, RIGHT));
        Path theirs = write("theirs.bin", new AES256JNCryptor().encryptData(plain, "correct horse".toCharArray()));
        for (Path sealed : new Path[] {ours, theirs}) {
            Path back = dir.resolve("back.bin");
            RNCryptorFiles.decrypt(sealed, back, RIGHT);
            assertThat(Files.readAllBytes(back)).as(sealed.toString()).isEqualTo(plain);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RNCryptorFiles.decrypt(sealed, out, RIGHT);
            assertThat(out.toByteArray()).isEqualTo(plain);
        }
    }

    @Test
    void encrypting_to_a_stream_gives_the_same_bytes_as_the_encrypting_stream() throws Exception {
        Header header = Header.of(1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, new byte[8], new byte[16]);
        byte[] plain = data(2 * BLOCK + 33);
        ByteArrayOutputStream fast = new ByteArrayOutputStream();
        RNCryptorFiles.encrypt(new ByteArrayInputStream(plain), fast, RIGHT, header);
        assertThat(fast.toByteArray()).isEqualTo(RNCryptor.encrypt(plain, RIGHT, header));
    }

    @Test
    void the_decrypted_file_is_private_to_its_owner() throws Exception {
        Path sealed = write("sealed.bin", RNCryptor.encrypt(data(1000), RIGHT));
        Path back = dir.resolve("back.bin");
        RNCryptorFiles.decrypt(sealed, back, RIGHT);
        assertThat(Files.getPosixFilePermissions(back))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }

    static Stream<String> damages() {
        return Stream.of("first ciphertext byte", "middle byte", "last ciphertext byte", "last byte of the HMAC",
                "wrong password", "cut by one AES block");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void a_damaged_file_or_wrong_password_fails_the_integrity_check_and_leaves_no_output(String damage)
            throws Exception {
        byte[] sealed = RNCryptor.encrypt(data(3 * BLOCK + 100), RIGHT);
        int headerLength = Header.PASSWORD_LENGTH;
        Secret secret = RIGHT;
        switch (damage) {
            case "first ciphertext byte" -> sealed[headerLength] ^= 1;
            case "middle byte" -> sealed[sealed.length / 2] ^= 1;
            case "last ciphertext byte" -> sealed[sealed.length - 33] ^= 1;
            case "last byte of the HMAC" -> sealed[sealed.length - 1] ^= 1;
            case "wrong password" -> secret = WRONG;
            case "cut by one AES block" -> sealed = Arrays.copyOf(sealed, sealed.length - 16);
            default -> throw new IllegalArgumentException(damage);
        }
        Path file = write("sealed.bin", sealed);
        Path existing = write("existing.bin", OLD_CONTENT);
        Path absent = dir.resolve("absent.bin");
        Secret s = secret;

        assertThatThrownBy(() -> RNCryptorFiles.decrypt(file, existing, s)).isExactlyInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> RNCryptorFiles.decrypt(file, absent, s)).isExactlyInstanceOf(IntegrityException.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> RNCryptorFiles.decrypt(file, out, s)).isExactlyInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> RNCryptor.openVerified(file, s)).isExactlyInstanceOf(IntegrityException.class);

        assertThat(Files.readAllBytes(existing)).isEqualTo(OLD_CONTENT);
        assertThat(absent).doesNotExist();
        assertThat(out.size()).isZero();
        assertThat(leftovers()).isEmpty();
    }

    @ParameterizedTest(name = "ciphertext byte {0}")
    @ValueSource(ints = {WARM_UP - 1, WARM_UP, WARM_UP + RNCryptorFiles.WARM_UP_SLICE, WARM_UP + BLOCK + 99})
    void a_byte_flipped_around_or_after_the_small_warm_up_calls_fails_the_integrity_check_and_leaves_no_output(
            int position) throws Exception {
        byte[] sealed = RNCryptor.encrypt(data(WARM_UP + BLOCK + 100), RIGHT);
        sealed[Header.PASSWORD_LENGTH + position] ^= (byte) 0x80;
        Path file = write("sealed.bin", sealed);
        Path existing = write("existing.bin", OLD_CONTENT);
        Path absent = dir.resolve("absent.bin");

        assertThatThrownBy(() -> RNCryptorFiles.decrypt(file, existing, RIGHT)).isExactlyInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> RNCryptorFiles.decrypt(file, absent, RIGHT)).isExactlyInstanceOf(IntegrityException.class);

        assertThat(Files.readAllBytes(existing)).isEqualTo(OLD_CONTENT);
        assertThat(absent).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void a_read_error_half_way_through_a_decryption_leaves_the_existing_file_untouched_and_nothing_new()
            throws Exception {
        Path sealed = write("sealed.bin", RNCryptor.encrypt(data(WARM_UP + 3 * BLOCK), RIGHT));
        Path existing = write("existing.bin", OLD_CONTENT);
        Path absent = dir.resolve("absent.bin");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        for (Path target : new Path[] {existing, absent, null}) {
            try (FileChannel file = FileChannel.open(sealed, StandardOpenOption.READ);
                    ReadCountingChannel failing = new ReadCountingChannel(file).failFrom(WARM_UP + BLOCK)) {
                if (target == null) {
                    assertThatThrownBy(() -> RNCryptorFiles.decrypt(failing, out, RIGHT))
                            .isInstanceOf(IOException.class).hasMessageContaining("simulated read error");
                } else {
                    assertThatThrownBy(() -> RNCryptorFiles.decrypt(failing, target, RIGHT))
                            .isInstanceOf(IOException.class).hasMessageContaining("simulated read error");
                }
            }
        }
        assertThat(Files.readAllBytes(existing)).isEqualTo(OLD_CONTENT);
        assertThat(absent).doesNotExist();
        assertThat(out.size()).isZero();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void the_small_warm_up_calls_are_whole_aes_blocks_and_outnumber_the_jit_threshold_then_give_way_to_chunks() {
        assertThat(RNCryptorFiles.slice(0) % 16).isZero();
        // HotSpot's Tier4CompileThreshold: the count of calls after which C2 compiles a method.
        assertThat(RNCryptorFiles.WARM_UP_BYTES / RNCryptorFiles.slice(0)).isGreaterThan(15_000);
        assertThat(RNCryptorFiles.slice(RNCryptorFiles.WARM_UP_BYTES - 1)).isEqualTo(RNCryptorFiles.WARM_UP_SLICE);
        assertThat(RNCryptorFiles.slice(RNCryptorFiles.WARM_UP_BYTES)).isEqualTo(RNCryptor.CHUNK);
    }

    @Test
    void a_file_cut_inside_a_block_or_its_header_is_refused_as_cut_off_before_any_output() throws Exception {
        byte[] sealed = RNCryptor.encrypt(data(BLOCK + 7), RIGHT);
        for (int keep : new int[] {1, 20, sealed.length - 5}) {
            Path file = write("cut.bin", Arrays.copyOf(sealed, keep));
            Path existing = write("existing.bin", OLD_CONTENT);
            assertThatThrownBy(() -> RNCryptorFiles.decrypt(file, existing, RIGHT)).as("%d bytes kept", keep)
                    .isInstanceOf(TruncatedCiphertextException.class);
            assertThat(Files.readAllBytes(existing)).isEqualTo(OLD_CONTENT);
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void a_right_hmac_key_with_a_wrong_encryption_key_is_refused_and_leaves_no_output() throws Exception {
        byte[] hmacKey = new byte[32];
        Arrays.fill(hmacKey, (byte) 9);
        byte[] sealed = RNCryptor.encrypt(data(BLOCK + 3), Secret.keys(new byte[32], hmacKey),
                Header.of(0, null, null, new byte[16]));
        byte[] otherKey = new byte[32];
        otherKey[0] = 1; // with this IV and data, decrypts the last block to invalid padding
        Path file = write("sealed.bin", sealed);
        Path out = dir.resolve("out.bin");
        assertThatThrownBy(() -> RNCryptorFiles.decrypt(file, out, Secret.keys(otherKey, hmacKey)))
                .isInstanceOf(WrongKeyException.class);
        assertThat(out).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void an_encryption_that_fails_half_way_leaves_the_existing_file_untouched() throws Exception {
        Path existing = write("existing.bin", OLD_CONTENT);
        InputStream failing = new InputStream() {
            private int left = 2 * BLOCK + 10;

            @Override
            public int read() throws IOException {
                // Every call from then on: InputStream.read(byte[]) swallows a failure after its first byte.
                if (left-- <= 0) {
                    throw new IOException("the disk went away");
                }
                return 7;
            }
        };
        assertThatThrownBy(() -> RNCryptorFiles.encrypt(failing, existing, RIGHT)).hasMessage("the disk went away");
        assertThat(Files.readAllBytes(existing)).isEqualTo(OLD_CONTENT);
        assertThat(leftovers()).isEmpty();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Set<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".partial"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }
}
