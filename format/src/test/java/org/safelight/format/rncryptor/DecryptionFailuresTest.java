package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecryptionFailuresTest {
    private static final Secret RIGHT = Secret.password("correct horse");
    private static final Secret WRONG = Secret.password("battery staple");

    @TempDir
    Path dir;

    private final byte[] plain = new byte[100_000];
    private final byte[] sealed;

    DecryptionFailuresTest() {
        new Random(7).nextBytes(plain);
        // Fixed salts and IV: whether a wrong key happens to yield valid padding (1 in 256) is then fixed too.
        sealed = RNCryptor.encrypt(plain, RIGHT, Header.of(1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8},
                new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, new byte[16]));
    }

    @Test
    void a_wrong_password_fails_the_integrity_check_and_is_diagnosed_as_a_wrong_key() throws IOException {
        Path file = write(sealed);
        assertThatThrownBy(() -> RNCryptor.openVerified(file, WRONG)).isExactlyInstanceOf(IntegrityException.class)
                .hasMessageContaining("HMAC");
        assertThat(RNCryptor.diagnose(file, WRONG)).isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("wrong password");
    }

    @Test
    void a_flipped_bit_fails_the_integrity_check_and_is_diagnosed_as_altered() throws IOException {
        byte[] altered = sealed.clone();
        altered[5000] ^= 0x01;
        Path file = write(altered);
        assertThatThrownBy(() -> RNCryptor.openVerified(file, RIGHT)).isExactlyInstanceOf(IntegrityException.class);
        assertThatThrownBy(() -> RNCryptor.decrypt(altered, RIGHT)).isExactlyInstanceOf(IntegrityException.class);
        assertThat(RNCryptor.diagnose(file, RIGHT)).isInstanceOf(TamperedDataException.class)
                .hasMessageContaining("altered");
    }

    @Test
    void a_flipped_bit_in_the_hmac_itself_is_caught() throws IOException {
        byte[] altered = sealed.clone();
        altered[altered.length - 1] ^= (byte) 0x80;
        assertThatThrownBy(() -> RNCryptor.openVerified(write(altered), RIGHT)).isInstanceOf(IntegrityException.class);
    }

    @Test
    void a_truncated_message_is_reported_as_cut_off() {
        for (int cut : new int[] {1, 7, 31, sealed.length - 40}) {
            byte[] truncated = Arrays.copyOf(sealed, sealed.length - cut);
            assertThatThrownBy(() -> RNCryptor.openVerified(write(truncated), RIGHT))
                    .as("cut %d bytes", cut)
                    .isInstanceOf(TruncatedCiphertextException.class).hasMessageContaining("cut off");
        }
        assertThatThrownBy(() -> RNCryptor.decrypt(new byte[] {3}, RIGHT))
                .isInstanceOf(TruncatedCiphertextException.class);
        assertThatThrownBy(() -> RNCryptor.decrypt(new byte[0], RIGHT))
                .isInstanceOf(TruncatedCiphertextException.class);
    }

    @Test
    void a_different_version_byte_is_named() {
        byte[] v2 = sealed.clone();
        v2[0] = 2;
        assertThatThrownBy(() -> RNCryptor.openVerified(write(v2), RIGHT))
                .isInstanceOfSatisfying(UnsupportedVersionException.class, e -> assertThat(e.version()).isEqualTo(2))
                .hasMessageContaining("version byte 2");
    }

    @Test
    void an_unknown_options_byte_is_named() {
        byte[] bad = sealed.clone();
        bad[1] = 7;
        assertThatThrownBy(() -> RNCryptor.openVerified(write(bad), RIGHT))
                .isInstanceOf(UnsupportedOptionsException.class).hasMessageContaining("options byte 7");
    }

    @Test
    void a_password_message_opened_with_raw_keys_says_so() {
        Secret keys = Secret.keys(new byte[32], new byte[32]);
        assertThatThrownBy(() -> RNCryptor.decrypt(sealed, keys))
                .isInstanceOf(UnsupportedOptionsException.class).hasMessageContaining("password");
    }

    @Test
    void a_wrong_encryption_key_with_the_right_hmac_key_is_a_wrong_key() {
        byte[] hmacKey = new byte[32];
        byte[] encKey = new byte[32];
        Arrays.fill(encKey, (byte) 1);
        // A fixed IV keeps the garbage plaintext fixed: a wrong key yields valid-looking padding 1 time in 256.
        byte[] message = RNCryptor.encrypt(plain, Secret.keys(encKey, hmacKey), Header.of(0, null, null, new byte[16]));
        assertThatThrownBy(() -> RNCryptor.decrypt(message, Secret.keys(new byte[32], hmacKey)))
                .isInstanceOf(WrongKeyException.class);
    }

    @Test
    void a_spooled_stream_that_fails_leaves_no_temporary_file() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = countSpools(tmp);
        assertThatThrownBy(() -> RNCryptor.openVerified(new ByteArrayInputStream(sealed), WRONG))
                .isInstanceOf(IntegrityException.class);
        assertThat(countSpools(tmp)).isEqualTo(before);
        try (InputStream in = RNCryptor.openVerified(new ByteArrayInputStream(sealed), RIGHT)) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        assertThat(countSpools(tmp)).isEqualTo(before);
    }

    private static long countSpools(Path tmp) throws IOException {
        try (var files = Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".rncryptor")).count();
        }
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "m", ".bin"), bytes);
    }
}
