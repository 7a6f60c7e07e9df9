package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decrypting to a stream reads the file once and writes to the stream only after the HMAC verified. */
class DecryptToStreamTest {
    private static final Secret RIGHT = Secret.password("correct horse");
    private static final int SIZE = 3 * RNCryptorFiles.BLOCK + 5;

    @TempDir
    Path dir;

    @Test
    void each_byte_of_the_file_is_read_once_so_a_file_swapped_after_a_first_pass_cannot_reach_the_stream()
            throws Exception {
        byte[] plain = data(SIZE, 1);
        Path sealed = seal("a.picsafe", plain);
        byte[] tampered = Files.readAllBytes(sealed);
        tampered[tampered.length / 2] ^= 1; // what a second pass would read: altered ciphertext
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FileChannel file = FileChannel.open(sealed, StandardOpenOption.READ);
                ReadCountingChannel counting = new ReadCountingChannel(file).swapAfterFirstFullRead(tampered)) {
            RNCryptorFiles.decrypt(counting, out, RIGHT);
            assertThat(counting.bytesRead()).as("bytes read").isEqualTo(Files.size(sealed));
        }
        assertThat(out.toByteArray()).isEqualTo(plain);
        assertThat(scratchFiles()).isEmpty();
    }

    @Test
    void a_file_altered_in_its_middle_gives_an_integrity_error_and_not_one_byte_on_the_stream() throws Exception {
        Path sealed = seal("b.picsafe", data(SIZE, 2));
        byte[] bytes = Files.readAllBytes(sealed);
        bytes[bytes.length / 2] ^= 1;
        Files.write(sealed, bytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Path> before = scratchFiles();
        assertThatThrownBy(() -> RNCryptorFiles.decrypt(sealed, out, RIGHT)).isInstanceOf(IntegrityException.class);
        assertThat(out.size()).isZero();
        assertThat(scratchFiles()).isEqualTo(before);
    }

    private Path seal(String name, byte[] plain) throws IOException {
        Path sealed = dir.resolve(name);
        RNCryptorFiles.encrypt(new ByteArrayInputStream(plain), sealed, RIGHT);
        return sealed;
    }

    private static List<Path> scratchFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith(".safelight-decrypted."))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static byte[] data(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
