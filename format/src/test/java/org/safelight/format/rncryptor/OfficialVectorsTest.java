package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.safelight.format.testing.RNCryptorVectors.hex;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.safelight.format.testing.RNCryptorVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OfficialVectorsTest {
    @TempDir
    Path dir;

    static Stream<Arguments> kdf() throws IOException {
        return RNCryptorVectors.load("kdf").stream().map(v -> Arguments.of(v.get("title"), v));
    }

    static Stream<Arguments> key() throws IOException {
        return RNCryptorVectors.load("key").stream().map(v -> Arguments.of(v.get("title"), v));
    }

    static Stream<Arguments> password() throws IOException {
        return RNCryptorVectors.load("password").stream().map(v -> Arguments.of(v.get("title"), v));
    }

    @Test
    void every_vector_file_has_version_3_vectors() throws IOException {
        assertThat(RNCryptorVectors.load("kdf")).hasSizeGreaterThanOrEqualTo(5);
        assertThat(RNCryptorVectors.load("key")).hasSizeGreaterThanOrEqualTo(4);
        assertThat(RNCryptorVectors.load("password")).hasSizeGreaterThanOrEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void kdf(String title, Map<String, String> v) {
        byte[] key = Keys.pbkdf2(v.get("password").getBytes(StandardCharsets.UTF_8), hex(v.get("salt_hex")),
                RNCryptor.PBKDF2_ITERATIONS, RNCryptor.KEY_LENGTH);
        assertThat(key).isEqualTo(hex(v.get("key_hex")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void key(String title, Map<String, String> v) throws IOException {
        Secret secret = Secret.keys(hex(v.get("enc_key_hex")), hex(v.get("hmac_key_hex")));
        Header header = Header.of(0, null, null, hex(v.get("iv_hex")));
        assertEncryptsAndDecrypts(secret, header, hex(v.get("plaintext_hex")), hex(v.get("ciphertext_hex")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void password(String title, Map<String, String> v) throws IOException {
        Secret secret = Secret.password(v.get("password"));
        Header header = Header.of(1, hex(v.get("enc_salt_hex")), hex(v.get("hmac_salt_hex")), hex(v.get("iv_hex")));
        assertEncryptsAndDecrypts(secret, header, hex(v.get("plaintext_hex")), hex(v.get("ciphertext_hex")));
    }

    private void assertEncryptsAndDecrypts(Secret secret, Header header, byte[] plaintext, byte[] ciphertext)
            throws IOException {
        assertThat(RNCryptor.encrypt(plaintext, secret, header)).isEqualTo(ciphertext);
        // the stream, written one byte at a time, gives the same bytes
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EncryptingOutputStream enc = RNCryptor.encryptingStream(out, secret, header)) {
            for (byte b : plaintext) {
                enc.write(b);
            }
        }
        assertThat(out.toByteArray()).isEqualTo(ciphertext);

        assertThat(RNCryptor.decrypt(ciphertext, secret)).isEqualTo(plaintext);
        Path file = Files.write(dir.resolve("message"), ciphertext);
        try (InputStream in = RNCryptor.openVerified(file, secret)) {
            assertThat(in.readAllBytes()).isEqualTo(plaintext);
        }
    }
}
