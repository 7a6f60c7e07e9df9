package org.safelight.format.rncryptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Encrypting with the HMAC and the writes on a second thread gives the bytes of the one-thread stream,
 * whatever the sizes written; a failure of the underlying stream reaches the caller, and abandoning
 * stops the second thread.
 */
class TwoThreadEncryptionTest {
    private static final Secret KEY = Secret.password("two threads");
    private static final Header HEADER = Header.of(1, new byte[8], filled(8, 1), filled(16, 2));

    @Test
    void the_message_is_the_one_thread_streams_byte_for_byte_at_every_size() throws Exception {
        Random random = new Random(2);
        int chunk = RNCryptor.CHUNK;
        for (int length : new int[] {0, 1, 15, 16, chunk - 1, chunk, chunk + 1, 3 * chunk + 17, 5_000_000}) {
            byte[] plain = new byte[length];
            random.nextBytes(plain);
            assertThat(encrypt(plain, true, random)).as("%d bytes", length).isEqualTo(encrypt(plain, false, random));
            assertThat(RNCryptor.decrypt(encrypt(plain, true, random), KEY)).isEqualTo(plain);
        }
    }

    @Test
    void a_failing_stream_fails_the_writer_and_abandoning_stops_the_second_thread() throws Exception {
        OutputStream broken = new OutputStream() {
            private int writes;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (++writes > 2) {
                    throw new IOException("disk full");
                }
            }
        };
        EncryptingOutputStream out = new EncryptingOutputStream(broken, KEY, HEADER, true);
        byte[] chunk = new byte[RNCryptor.CHUNK];
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                out.write(chunk);
            }
            out.finish();
        }).isInstanceOf(IOException.class).hasMessage("disk full");
        out.abandon();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("safelight-hmac") && t.isAlive());

        EncryptingOutputStream idle = new EncryptingOutputStream(new ByteArrayOutputStream(), KEY, HEADER, true);
        idle.write(chunk);
        idle.abandon(); // a caller that failed elsewhere
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("safelight-hmac") && t.isAlive());
    }

    /** The message for {@code plain}, written in random pieces. */
    private static byte[] encrypt(byte[] plain, boolean twoThreads, Random random) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EncryptingOutputStream out = new EncryptingOutputStream(bytes, KEY, HEADER, twoThreads);
        for (int off = 0; off < plain.length; ) {
            int n = Math.min(plain.length - off, random.nextInt(3) == 0 ? 1 + random.nextInt(100) : random.nextInt(200_000));
            if (n == 1) {
                out.write(plain[off]);
            } else {
                out.write(plain, off, n);
            }
            off += n;
        }
        out.finish();
        return bytes.toByteArray();
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
