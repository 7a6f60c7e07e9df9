package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.stream.Stream;
import org.cryptonode.jncryptor.AES256JNCryptor;
import org.cryptonode.jncryptor.CryptorException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both directions against JNCryptor, an independent Java implementation of RNCryptor v3. */
class JNCryptorInteropTest {
    private static final int MIB = 1 << 20;

    static Stream<Arguments> cases() {
        String[] passwords = {"thepassword", "pässwörd-ünïcödé", "中文密码", "🔐 emoji key"};
        int[] sizes = {0, 1, 15, 16, 17, MIB + 1};
        return Stream.of(passwords).flatMap(p -> java.util.Arrays.stream(sizes).mapToObj(s -> Arguments.of(p, s)));
    }

    @ParameterizedTest(name = "password {0}, {1} bytes")
    @MethodSource("cases")
    void jncryptor_opens_what_we_seal(String password, int size) throws IOException, CryptorException {
        byte[] plain = data(size);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (EncryptingOutputStream enc = RNCryptor.encryptingStream(out, Secret.password(password))) {
            enc.write(plain);
        }
        assertThat(new AES256JNCryptor().decryptData(out.toByteArray(), password.toCharArray())).isEqualTo(plain);
    }

    @ParameterizedTest(name = "password {0}, {1} bytes")
    @MethodSource("cases")
    void we_open_what_jncryptor_seals(String password, int size) throws IOException, CryptorException {
        byte[] plain = data(size);
        byte[] sealed = new AES256JNCryptor().encryptData(plain, password.toCharArray());
        try (InputStream in = RNCryptor.openVerified(new ByteArrayInputStream(sealed), Secret.password(password))) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        assertThat(RNCryptor.decrypt(sealed, Secret.password(password))).isEqualTo(plain);
    }

    private static byte[] data(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }
}
